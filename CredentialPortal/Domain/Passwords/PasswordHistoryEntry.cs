namespace CredentialPortal.Domain.Passwords;

/// <summary>A former password's hash (never the password), for the "not one of the last N" rule.</summary>
public sealed class PasswordHistoryEntry
{
    public long Id { get; set; }
    public int UserId { get; set; }
    public required string PasswordHash { get; set; }
    public DateTime CreatedAt { get; set; }
}
