using Microsoft.EntityFrameworkCore;

namespace CredentialPortal.Data.Seeding;

/// <summary>
/// Seed data keeps the documents' ids (storage target 11, user 16…). SQLite's next id follows the largest one by
/// itself; a PostgreSQL identity column does not, so after seeding each one is moved past the largest id in its table,
/// or the next organisation or account created would collide with a seeded one.
/// </summary>
public static class IdentitySequences
{
    public static async Task MovePastSeededIdsAsync(PortalDbContext db, CancellationToken cancellationToken)
    {
        if (!db.Database.IsNpgsql()) return;
        foreach (var entity in db.Model.GetEntityTypes().Where(e => e.BaseType is null && e.GetTableName() is not null))
        {
            var key = entity.FindPrimaryKey();
            if (key is not { Properties: [var column] } || column.ValueGenerated != Microsoft.EntityFrameworkCore.Metadata.ValueGenerated.OnAdd
                || column.ClrType != typeof(int) && column.ClrType != typeof(long))
            {
                continue;
            }
            var table = $"\"{entity.GetTableName()}\"";
            var name = column.GetColumnName();
            // The next value handed out is past the largest id, and never lower than it would have been anyway.
            // Table and column names come from the EF model, not from input.
#pragma warning disable EF1003
            await db.Database.ExecuteSqlRawAsync(
                $"SELECT setval(s.seq, GREATEST(COALESCE((SELECT MAX(\"{name}\") FROM {table}), 0) + 1, nextval(s.seq)), false) " +
                $"FROM (SELECT pg_get_serial_sequence('{table}', '{name}') AS seq) s WHERE s.seq IS NOT NULL",
                cancellationToken);
#pragma warning restore EF1003
        }
    }
}
