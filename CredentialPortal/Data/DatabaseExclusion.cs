using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace CredentialPortal.Data;

/// <summary>
/// Lets one writer at a time do a read-then-write (append to the audit chain, count an actor's failures, hand out
/// the next account id). In this process a semaphore orders the writers; with PostgreSQL, where several instances
/// share the database, a transaction-scoped advisory lock orders them across instances too. SQLite has one writer
/// process, so there the semaphore is all it takes and no transaction is opened.
/// </summary>
public sealed class DatabaseExclusion(string name)
{
    private readonly ConcurrentDictionary<string, SemaphoreSlim> gates = new();

    /// <summary>
    /// Enters the section for <paramref name="key"/> (one section per key; null: the whole name). Work done through
    /// <paramref name="db"/> inside it must end with <see cref="Section.CommitAsync"/>; leaving without it rolls back.
    /// When <paramref name="db"/> already has a transaction, the lock joins it and lasts until that one ends.
    /// </summary>
    public async Task<Section> EnterAsync(PortalDbContext db, string? key = null, CancellationToken cancellationToken = default)
    {
        var gate = gates.GetOrAdd(key ?? "", _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        IDbContextTransaction? owned = null;
        try
        {
            if (db.Database.IsNpgsql())
            {
                if (db.Database.CurrentTransaction is null) owned = await db.Database.BeginTransactionAsync(cancellationToken);
                var lockId = LockId(key);
                await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({lockId})", cancellationToken);
            }
            return new Section(gate, owned);
        }
        catch
        {
            if (owned is not null) await owned.DisposeAsync();
            gate.Release();
            throw;
        }
    }

    private long LockId(string? key) =>
        BitConverter.ToInt64(SHA256.HashData(Encoding.UTF8.GetBytes(key is null ? name : name + "\0" + key)), 0);

    public sealed class Section(SemaphoreSlim gate, IDbContextTransaction? transaction) : IAsyncDisposable
    {
        private bool released;

        /// <summary>Commits the transaction this section opened (if it opened one).</summary>
        public async Task CommitAsync(CancellationToken cancellationToken = default)
        {
            if (transaction is not null) await transaction.CommitAsync(cancellationToken);
        }

        public async ValueTask DisposeAsync()
        {
            if (released) return;
            released = true;
            if (transaction is not null) await transaction.DisposeAsync();
            gate.Release();
        }
    }
}
