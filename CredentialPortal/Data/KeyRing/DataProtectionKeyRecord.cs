namespace CredentialPortal.Data.KeyRing;

/// <summary>One Data Protection key as the key manager wrote it (XML; encrypted when a master key is configured).</summary>
public sealed class DataProtectionKeyRecord
{
    public int Id { get; set; }
    public string? FriendlyName { get; set; }
    public string Xml { get; set; } = "";
}
