namespace Olorin.Server.Edge;

/// <summary>
/// What a request may carry, checked once at the edge (<see cref="RequestGuardMiddleware"/>) before any handler runs,
/// so that whatever is accepted can always be stored, read back, listed, searched, exported and deleted on both
/// backends. Documented in docs/api.md ("Input limits").
/// </summary>
public static class InputLimits
{
    /// <summary>
    /// Nesting of a request body (objects and arrays). Free-form members sit at most 8 levels below the body, so each
    /// keeps at least 32 levels of its own; responses add at most 6 levels (lists, history entries), which stays
    /// below the serializer's 64.
    /// </summary>
    public const int MaxBodyDepth = 40;

    /// <summary>Free-form objects are guaranteed this many levels of nesting of their own.</summary>
    public const int FreeFormDepth = 32;

    /// <summary>An id, reference id or any other <c>*_id</c> member (DATA-MODEL: ids are 1–255 characters).</summary>
    public const int MaxIdLength = 255;

    /// <summary>An object member's name.</summary>
    public const int MaxMemberNameLength = 255;

    /// <summary>A string of the request's own (structured) fields: names, descriptions, entity values, tags, metrics.</summary>
    public const int MaxTextLength = 10_000;

    /// <summary>A string inside a free-form member (evidence, parameters, result, findings, additional_config, …) or a summary / error text.</summary>
    public const int MaxFreeTextLength = 100_000;

    /// <summary>An OAuth access or refresh token.</summary>
    public const int MaxTokenLength = 16_384;

    /// <summary>Every object, and every array below the body's own members, as JSON text.</summary>
    public const int MaxNestedValueBytes = 1 << 20;

    /// <summary>A query-string value (the search text has its own, smaller limit).</summary>
    public const int MaxQueryValueLength = 2_048;

    /// <summary>The request line's target (path and query); longer is 414.</summary>
    public const int MaxUrlLength = 8_192;

    /// <summary>All request headers together (names and values); more is 431.</summary>
    public const int MaxHeadersBytes = 32 * 1024;

    /// <summary>Kestrel's own limits sit above ours, so that our limits answer first, with ProblemDetails.</summary>
    public const int KestrelRequestLineBytes = 1 << 20;

    public const int KestrelHeadersBytes = 1 << 20;

    /// <summary>Request headers, counted; more is 431.</summary>
    public const int MaxHeaderCount = 100;

    public const int KestrelHeaderCount = 1_000;

    /// <summary>Members whose values are free-form JSON kept verbatim (model <c>JsonObject</c> members).</summary>
    public static readonly IReadOnlySet<string> FreeFormMembers = new HashSet<string>(StringComparer.Ordinal)
    {
        "additional_config", "config", "additional_data", "findings", "custom_fields", "evidence", "cohort", "parameters",
        "result", "additional_info", "filters", "algorithm_specific", "default_params", "score_components",
    };

    /// <summary>Structured members that hold long free text.</summary>
    public static readonly IReadOnlySet<string> FreeTextMembers = new HashSet<string>(StringComparer.Ordinal)
    {
        "summary", "error_message", "error", "description", "trigger_reason",
    };

    public static readonly IReadOnlySet<string> TokenMembers = new HashSet<string>(StringComparer.Ordinal) { "access_token", "refresh_token" };
}
