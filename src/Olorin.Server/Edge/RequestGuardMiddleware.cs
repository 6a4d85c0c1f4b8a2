using Microsoft.AspNetCore.Mvc;
using System.Buffers;
using System.Text;
using System.Text.Unicode;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;

namespace Olorin.Server.Edge;

/// <summary>
/// The one place where hostile input stops (docs/api.md, "Input limits"): an over-long target (414) or header block
/// (431), a query value with NUL, invalid UTF-8 or over its length, and a JSON body that <see cref="JsonBodyGuard"/>
/// refuses — each answered with ProblemDetails naming the client's field, before routing and model binding.
/// </summary>
public sealed class RequestGuardMiddleware(RequestDelegate next, IProblemDetailsService problems)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var refusal = CheckTarget(context.Request) ?? CheckHeaders(context.Request) ?? CheckQuery(context.Request.QueryString.Value)
                      ?? CheckCharset(context.Request.ContentType);
        if (refusal is null && IsJsonBody(context.Request)) refusal = await CheckBodyAsync(context);
        if (refusal is null)
        {
            await next(context);
            return;
        }
        context.Response.StatusCode = refusal.Status;
        var problem = new ProblemDetails
        {
            Status = refusal.Status,
            Title = ReasonPhrases.GetReasonPhrase(refusal.Status),
            Detail = $"{refusal.Field}: {refusal.Message}",
        };
        problem.Extensions["errors"] = new Dictionary<string, string[]> { [refusal.Field] = [refusal.Message] };
        await problems.WriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem });
    }

    private static InputRefusal? CheckTarget(HttpRequest request)
    {
        var length = request.PathBase.Value?.Length + request.Path.Value?.Length + request.QueryString.Value?.Length ?? 0;
        return length > InputLimits.MaxUrlLength
            ? new InputRefusal("url", $"The request target is longer than {InputLimits.MaxUrlLength} characters.", StatusCodes.Status414UriTooLong)
            : null;
    }

    private static InputRefusal? CheckHeaders(HttpRequest request)
    {
        long total = 0;
        foreach (var (name, values) in request.Headers)
        {
            total += name.Length;
            foreach (var value in values) total += value?.Length ?? 0;
        }
        if (request.Headers.Count > InputLimits.MaxHeaderCount)
            return new InputRefusal("headers", $"More than {InputLimits.MaxHeaderCount} request headers.", StatusCodes.Status431RequestHeaderFieldsTooLarge);
        return total > InputLimits.MaxHeadersBytes
            ? new InputRefusal("headers", $"The request headers are larger than {InputLimits.MaxHeadersBytes} bytes.", StatusCodes.Status431RequestHeaderFieldsTooLarge)
            : null;
    }

    /// <summary>
    /// Reads the raw query string, because the server decodes invalid UTF-8 into U+FFFD without a trace: every name
    /// and value must decode to valid UTF-8 without NUL and stay within <see cref="InputLimits.MaxQueryValueLength"/>.
    /// </summary>
    public static InputRefusal? CheckQuery(string? queryString)
    {
        if (string.IsNullOrEmpty(queryString)) return null;
        foreach (var pair in queryString.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=');
            var rawName = equals < 0 ? pair : pair[..equals];
            var rawValue = equals < 0 ? "" : pair[(equals + 1)..];
            var name = Decode(rawName) is { } decodedName && Utf8.IsValid(decodedName) && !decodedName.Contains((byte)0)
                ? Encoding.UTF8.GetString(decodedName)
                : null;
            if (name is null) return new InputRefusal("query", "A query parameter name is not valid UTF-8 or contains NUL.");
            var field = name.Length <= 64 ? name : name[..64] + "…";
            var value = Decode(rawValue);
            if (value is null || !Utf8.IsValid(value)) return new InputRefusal(field, "Is not valid percent-encoded UTF-8.");
            if (value.Contains((byte)0)) return new InputRefusal(field, "Contains a NUL character (U+0000).");
            var characters = Encoding.UTF8.GetCharCount(value);
            if (characters > InputLimits.MaxQueryValueLength)
                return new InputRefusal(field, $"Is {characters} characters long; at most {InputLimits.MaxQueryValueLength} are allowed.");
        }
        return null;
    }

    /// <summary>Percent-decoding to bytes ('+' is a space); null when an escape is malformed.</summary>
    private static byte[]? Decode(string raw)
    {
        var bytes = new List<byte>(raw.Length);
        for (var i = 0; i < raw.Length; i++)
        {
            var c = raw[i];
            if (c == '%')
            {
                if (i + 2 >= raw.Length || !Uri.IsHexDigit(raw[i + 1]) || !Uri.IsHexDigit(raw[i + 2])) return null;
                bytes.Add(Convert.ToByte(raw.Substring(i + 1, 2), 16));
                i += 2;
            }
            else if (c == '+') bytes.Add((byte)' ');
            else if (c < 0x80) bytes.Add((byte)c);
            else bytes.AddRange(Encoding.UTF8.GetBytes(c.ToString()));
        }
        return bytes.ToArray();
    }

    /// <summary>Bodies are read as UTF-8 (RFC 8259 §8.1); a body declared in another charset is not what it claims.</summary>
    private static InputRefusal? CheckCharset(string? contentType)
    {
        if (contentType is null || !Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(contentType, out var media)) return null;
        var charset = media.Charset.Value?.Trim('"');
        return charset is null || charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase) || charset.Equals("utf8", StringComparison.OrdinalIgnoreCase)
            ? null
            : new InputRefusal("Content-Type", $"charset {charset} is not supported; send UTF-8 JSON.", StatusCodes.Status415UnsupportedMediaType);
    }

    private static bool IsJsonBody(HttpRequest request)
    {
        if (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsDelete(request.Method) || HttpMethods.IsOptions(request.Method))
            return false;
        if (request.ContentLength == 0) return false;
        var type = request.ContentType;
        if (type is null) return false;
        var mediaType = type.Split(';')[0].Trim();
        return mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
               || mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Buffers the body (within the server's body-size limit, which answers 413) and checks it; the handler reads it again.</summary>
    private static async Task<InputRefusal?> CheckBodyAsync(HttpContext context)
    {
        var request = context.Request;
        request.EnableBuffering();
        var maxBody = context.Features.Get<IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize;
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, context.RequestAborted);
        if (maxBody is { } max && buffer.Length > max)
            return new InputRefusal("body", $"The request body is larger than {max} bytes.", StatusCodes.Status413PayloadTooLarge);
        request.Body.Position = 0;
        return buffer.TryGetBuffer(out var bytes) ? JsonBodyGuard.Check(bytes.AsSpan()) : JsonBodyGuard.Check(buffer.ToArray());
    }
}
