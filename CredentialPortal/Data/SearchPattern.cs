using System.Linq.Expressions;
using System.Reflection;
using Microsoft.EntityFrameworkCore;

namespace CredentialPortal.Data;

/// <summary>
/// "Contains, ignoring case" over one or more text columns, as a parameterised LIKE with the metacharacters escaped:
/// a search for "100%" means the text "100%", and "_" matches only an underscore. SQLite's LIKE ignores case by
/// itself; PostgreSQL needs ILIKE — the one place that knows.
/// </summary>
public static class SearchPattern
{
    public const string EscapeCharacter = "\\";

    private static readonly MethodInfo Like = typeof(DbFunctionsExtensions).GetMethod(nameof(DbFunctionsExtensions.Like),
        [typeof(DbFunctions), typeof(string), typeof(string), typeof(string)])!;
    private static readonly MethodInfo ILike = typeof(NpgsqlDbFunctionsExtensions).GetMethod(nameof(NpgsqlDbFunctionsExtensions.ILike),
        [typeof(DbFunctions), typeof(string), typeof(string), typeof(string)])!;

    public static string Contains(string text) =>
        "%" + text.Trim().Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_") + "%";

    /// <summary>Rows where any of <paramref name="columns"/> contains <paramref name="text"/>.</summary>
    public static IQueryable<T> WhereAnyContains<T>(this IQueryable<T> query, PortalDbContext db, string text, params Expression<Func<T, string?>>[] columns)
    {
        var row = Expression.Parameter(typeof(T), "row");
        // A member of a closure object, not a constant, so EF sends the pattern as a parameter.
        var pattern = Expression.Property(Expression.Constant(new PatternHolder(Contains(text))), nameof(PatternHolder.Value));
        var match = db.Database.IsNpgsql() ? ILike : Like;
        var any = columns
            .Select(column => (Expression)Expression.Call(match, Expression.Constant(EF.Functions), new ParameterSwap(column.Parameters[0], row).Visit(column.Body),
                pattern, Expression.Constant(EscapeCharacter)))
            .Aggregate(Expression.OrElse);
        return query.Where(Expression.Lambda<Func<T, bool>>(any, row));
    }

    private sealed record PatternHolder(string Value);

    private sealed class ParameterSwap(ParameterExpression from, ParameterExpression to) : ExpressionVisitor
    {
        protected override Expression VisitParameter(ParameterExpression node) => node == from ? to : node;
    }
}
