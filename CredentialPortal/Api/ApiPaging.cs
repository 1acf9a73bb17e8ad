using System.Globalization;
using CredentialPortal.Domain;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.WebUtilities;

namespace CredentialPortal.Api;

/// <summary>
/// Paging on every list: <c>offset</c>/<c>limit</c> as always, or the opaque <c>after</c> cursor (keyset paging, as
/// cheap at any depth as the first page). Every page that has a next one answers <c>Link: &lt;…&gt;; rel="next"</c>
/// (RFC 8288): the same path, filters and limit, with <c>after</c> in place of <c>offset</c>.
/// </summary>
public static class ApiPaging
{
    public const string InvalidCursorCode = "invalid_cursor";
    public const string PagingConflictCode = "paging_conflict";
    public const string AfterParameter = "after";

    /// <summary>A 400 for bad paging parameters, or null with the decoded cursor (null when none was sent).</summary>
    public static ProblemHttpResult? Check(int? offset, int? limit, string? after, Func<ListCursor, bool> belongsToList, out ListCursor? cursor)
    {
        cursor = null;
        if (ApiEndpoints.CheckPaging(offset, limit) is { } problem) return problem;
        if (after is null) return null;
        if (offset is not null)
        {
            return Problem("Send either 'offset' or 'after', not both: 'after' already says where the page starts.", PagingConflictCode);
        }
        if (!ListCursor.TryDecode(after, out var decoded) || !belongsToList(decoded))
        {
            return Problem("'after' is not a cursor of this list. Use the Link rel=\"next\" of a page of this list as it is.", InvalidCursorCode);
        }
        cursor = decoded;
        return null;
    }

    /// <summary>Sets <c>Link: &lt;path?…&amp;after=…&gt;; rel="next"</c> when there is a next page.</summary>
    public static void LinkNext(HttpContext http, ListCursor? next, int limit)
    {
        if (next is null) return;
        var request = http.Request;
        var query = request.Query
            .Where(q => q.Key is not ("offset" or "limit" or AfterParameter))
            .SelectMany(q => q.Value.Select(v => new KeyValuePair<string, string?>(q.Key, v)))
            .Append(new("limit", limit.ToString(CultureInfo.InvariantCulture)))
            .Append(new(AfterParameter, next.Encode()));
        var target = QueryHelpers.AddQueryString((request.PathBase + request.Path).ToUriComponent(), query);
        http.Response.Headers.Append("Link", $"<{target}>; rel=\"next\"");
    }

    private static ProblemHttpResult Problem(string detail, string code) =>
        ApiProblems.Problem(StatusCodes.Status400BadRequest, "Bad request", detail, code);
}
