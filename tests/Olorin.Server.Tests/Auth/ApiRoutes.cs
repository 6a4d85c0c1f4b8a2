using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Olorin.Server.Tests.Auth;

/// <summary>The server's route table, as the router sees it: every (method, pattern) with its endpoint.</summary>
public static partial class ApiRoutes
{
    public sealed record Route(string Method, string Pattern, RouteEndpoint Endpoint)
    {
        public bool IsAnonymous => Endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null;
        public string? Policy => Endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().Select(data => data.Policy).LastOrDefault(p => p is not null);
        public IReadOnlyList<string> Parameters => Endpoint.RoutePattern.Parameters.Select(p => p.Name).ToList();

        /// <summary>The path with each route parameter replaced by <paramref name="value"/>'s answer for its name.</summary>
        public string Path(Func<string, string> value)
            => ParameterPattern().Replace("/" + Pattern.TrimStart('/'), match => Uri.EscapeDataString(value(match.Groups["name"].Value)));

        public override string ToString() => $"{Method} {Pattern}";
    }

    public static IReadOnlyList<Route> All(IServiceProvider services)
        => services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .SelectMany(endpoint => (endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"])
                .Select(method => new Route(method, endpoint.RoutePattern.RawText ?? "", endpoint)))
            .ToList();

    [GeneratedRegex(@"\{\*{0,2}(?<name>[A-Za-z_][A-Za-z0-9_]*)[^}]*\}")]
    private static partial Regex ParameterPattern();
}
