namespace CredentialPortal.Domain;

/// <summary>
/// A write sent without If-Match asked for "last write wins": a concurrent writer's commit (the optimistic check's
/// Conflict) is not the caller's conflict, so the write is applied again on the fresh row, three tries at most. With
/// If-Match a conflict is the caller's own, and is answered at once.
/// </summary>
public static class LastWriteWins
{
    public const int Tries = 3;

    public static async Task<DomainResult<T>> RetryAsync<T>(bool ifMatch, Func<Task<DomainResult<T>>> write)
    {
        for (var attempt = 1; ; attempt++)
        {
            var result = await write();
            if (result.Status != DomainStatus.Conflict || ifMatch || attempt == Tries) return result;
        }
    }
}
