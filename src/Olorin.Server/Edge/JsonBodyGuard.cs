using System.Text;
using System.Text.Json;

namespace Olorin.Server.Edge;

/// <summary>One refused part of a request: the client's field (snake_case JSON path, or query parameter) and why.</summary>
public sealed record InputRefusal(string Field, string Message, int Status = StatusCodes.Status400BadRequest);

/// <summary>
/// Reads a JSON request body once, token by token (no tree is built), and refuses what the handlers must never see:
/// malformed JSON, invalid UTF-8 or a lone surrogate, a NUL character (PostgreSQL cannot store it), a duplicate member
/// name (which one would win is the parser's accident), nesting beyond <see cref="InputLimits.MaxBodyDepth"/>, and
/// strings or nested values over the <see cref="InputLimits"/>. Unknown members are not its business: free-form
/// objects keep them.
/// </summary>
public static class JsonBodyGuard
{
    private const int MaxSegmentShown = 64;

    private static ReadOnlySpan<byte> Utf8Bom => [0xEF, 0xBB, 0xBF];

    public static InputRefusal? Check(ReadOnlySpan<byte> body)
    {
        if (body.StartsWith(Utf8Bom)) body = body[Utf8Bom.Length..];
        // The reader's own depth limit is set far above ours, so that ours answers, naming the field.
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = InputLimits.MaxBodyDepth * 4 });
        var frames = new List<Frame>();
        string? member = null;
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                    {
                        var name = ReadString(ref reader, frames, null, out var invalid);
                        if (invalid is not null) return invalid;
                        if (name.Length > InputLimits.MaxMemberNameLength)
                            return new InputRefusal(Path(frames, null), $"A member name is longer than {InputLimits.MaxMemberNameLength} characters.");
                        if (name.Contains('\0')) return new InputRefusal(Path(frames, null), "A member name contains a NUL character (U+0000).");
                        var frame = frames[^1];
                        frame.Names ??= new HashSet<string>(StringComparer.Ordinal);
                        if (!frame.Names.Add(name)) return new InputRefusal(Path(frames, name), $"Member '{name}' appears twice in the same object.");
                        member = name;
                        break;
                    }
                    case JsonTokenType.StartObject:
                    case JsonTokenType.StartArray:
                    {
                        var segment = TakeSegment(frames, ref member);
                        if (frames.Count + 1 > InputLimits.MaxBodyDepth)
                            return new InputRefusal(FieldOf(frames, segment),
                                $"Nested deeper than {InputLimits.MaxBodyDepth} levels (a free-form object may nest {InputLimits.FreeFormDepth} levels).");
                        frames.Add(new Frame(segment, reader.TokenType == JsonTokenType.StartArray, reader.TokenStartIndex));
                        break;
                    }
                    case JsonTokenType.EndObject:
                    case JsonTokenType.EndArray:
                    {
                        var closed = frames[^1];
                        var bytes = reader.BytesConsumed - closed.Start;
                        var bounded = !closed.IsArray ? frames.Count > 1 : frames.Count > 2;
                        if (bounded && bytes > InputLimits.MaxNestedValueBytes)
                            return new InputRefusal(Path(frames.Take(frames.Count - 1).ToList(), closed.Segment),
                                $"Is {bytes} bytes of JSON; at most {InputLimits.MaxNestedValueBytes} are allowed.");
                        frames.RemoveAt(frames.Count - 1);
                        break;
                    }
                    case JsonTokenType.String:
                    {
                        var segment = TakeSegment(frames, ref member);
                        var value = ReadString(ref reader, frames, segment, out var invalid);
                        if (invalid is not null) return invalid;
                        if (value.Contains('\0')) return new InputRefusal(Path(frames, segment), "Contains a NUL character (U+0000), which cannot be stored.");
                        var limit = LimitFor(frames, segment);
                        if (value.Length > limit) return new InputRefusal(Path(frames, segment), $"Is {value.Length} characters long; at most {limit} are allowed.");
                        break;
                    }
                    default:
                        TakeSegment(frames, ref member);
                        break;
                }
            }
        }
        catch (JsonException e)
        {
            // The reader's messages name bytes and positions, never a .NET type.
            return new InputRefusal(Path(frames, member), $"The request body is not valid JSON: {e.Message}");
        }
        return null;
    }

    private static string ReadString(ref Utf8JsonReader reader, List<Frame> frames, string? segment, out InputRefusal? invalid)
    {
        invalid = null;
        try
        {
            return reader.GetString()!;
        }
        catch (InvalidOperationException)
        {
            invalid = new InputRefusal(Path(frames, segment), "Is not valid UTF-8 text (or escapes a lone surrogate).");
            return "";
        }
    }

    /// <summary>The path segment of the value about to be read: the member name, or the array index.</summary>
    private static string? TakeSegment(List<Frame> frames, ref string? member)
    {
        if (frames.Count == 0) return null;
        var frame = frames[^1];
        if (frame.IsArray) return $"[{frame.NextIndex++}]";
        var name = member;
        member = null;
        return name;
    }

    private static int LimitFor(List<Frame> frames, string? segment)
    {
        var name = segment ?? "";
        if (InputLimits.TokenMembers.Contains(name)) return InputLimits.MaxTokenLength;
        var segments = frames.Select(f => f.Segment).Where(s => s is not null).Cast<string>().ToList();
        var inFreeForm = Enumerable.Range(0, segments.Count).Any(i => IsFreeForm(segments, i));
        if (inFreeForm) return InputLimits.MaxFreeTextLength;
        if (name == "id" || name.EndsWith("_id", StringComparison.Ordinal)) return InputLimits.MaxIdLength;
        return InputLimits.FreeTextMembers.Contains(name) ? InputLimits.MaxFreeTextLength : InputLimits.MaxTextLength;
    }

    /// <summary>
    /// The client's field for a too-deep value: the free-form member it is nested in (where deep values live), else
    /// the first two members of its path.
    /// </summary>
    private static string FieldOf(List<Frame> frames, string? segment)
    {
        var segments = frames.Select(f => f.Segment).Append(segment).Where(s => s is not null).Cast<string>().ToList();
        for (var i = 0; i < segments.Count; i++)
            if (IsFreeForm(segments, i)) return Join(segments.Take(i + 1));
        var field = Join(segments.Take(2));
        return field.Length == 0 ? "body" : field;
    }

    /// <summary>Whether member <paramref name="i"/> of a path holds free-form JSON (template.settings is; investigation settings are not).</summary>
    private static bool IsFreeForm(IReadOnlyList<string> segments, int i)
        => InputLimits.FreeFormMembers.Contains(segments[i]) || (segments[i] == "settings" && i > 0 && segments[i - 1] == "template");

    private static string Path(IReadOnlyList<Frame> frames, string? segment)
    {
        var path = Join(frames.Select(f => f.Segment).Append(segment).Where(s => s is not null)!);
        return path.Length == 0 ? "body" : path;
    }

    private static string Join(IEnumerable<string> segments)
    {
        var path = new StringBuilder();
        foreach (var s in segments)
        {
            if (path.Length > 0 && !s.StartsWith('[')) path.Append('.');
            path.Append(s.Length <= MaxSegmentShown ? s : s[..MaxSegmentShown] + "…");
        }
        return path.ToString();
    }

    private sealed class Frame(string? segment, bool isArray, long start)
    {
        public string? Segment { get; } = segment;
        public bool IsArray { get; } = isArray;
        public long Start { get; } = start;
        public int NextIndex { get; set; }
        public HashSet<string>? Names { get; set; }
    }
}
