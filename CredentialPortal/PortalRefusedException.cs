namespace CredentialPortal;

/// <summary>
/// The portal refuses to do what it was asked (start, back up, restore) because of its configuration or data. The
/// message is written for the operator — what is wrong, which setting, what to do — and is printed alone, without a
/// stack trace (Program.cs).
/// </summary>
public sealed class PortalRefusedException(string message) : Exception(message);
