using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Json;
using Olorin.Server.Configuration;

namespace Olorin.Server.Apis.Investigations;

/// <summary>
/// <c>GET …/{id}/events</c>: a Server-Sent Events stream of one investigation's changes. It follows the stored audit
/// trail (<see cref="InvestigationChangeFeed"/>), not in-process events, so a change made through any server instance
/// and on either backend reaches every stream. Each change event's id is its <see cref="ChangeCursor"/>, so a client
/// that reconnects with <c>Last-Event-ID</c> gets exactly the changes it has not seen.
/// </summary>
public static class InvestigationEventsApi
{
    public const string LastEventIdHeader = "Last-Event-ID";

    public static RouteGroupBuilder MapInvestigationEventRoutes(this RouteGroupBuilder api)
    {
        api.MapGet("/{investigationId}/events", StreamEvents)
            .WithSummary("Server-Sent Events: the investigation's changes as they are stored; resumable with Last-Event-ID.")
            .Produces<string>(StatusCodes.Status200OK, "text/event-stream")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);
        return api;
    }

    public static async Task<Results<ServerSentEventsResult<string>, ValidationProblem, ProblemHttpResult>> StreamEvents(
        string investigationId,
        [AsParameters] InvestigationServices services,
        InvestigationChangeFeed feed,
        IOptions<LiveChangesOptions> options,
        IOptions<JsonOptions> json,
        CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        ChangeCursor? resumeAfter = null;
        var lastEventId = services.HttpContext.Request.Headers[LastEventIdHeader];
        if (lastEventId.Count > 0)
        {
            if (lastEventId.Count == 1 && ChangeCursor.TryParse(lastEventId[0], out var cursor)) resumeAfter = cursor;
            else errors.Add(LastEventIdHeader, $"{LastEventIdHeader} must be the id of an event this stream sent.");
        }
        if (!errors.IsEmpty) return errors.ToProblem();

        var tenant = services.Identity.TenantId;
        var latest = await feed.LatestAsync(tenant, investigationId, cancellationToken);
        if (latest is null) return InvestigationProblems.NotFound(investigationId);

        var stream = new ChangeStream(tenant, investigationId, feed, services.Investigations, options.Value, services.Clock, json.Value.SerializerOptions);
        return TypedResults.ServerSentEvents(stream.ReadAsync(resumeAfter ?? ChangeCursor.Of(latest), cancellationToken));
    }

    /// <summary>The first event of every stream: where it starts (its id is the position to resume from).</summary>
    public sealed record StreamOpened(string InvestigationId, int? Version, DateTime? UpdatedAt, int HeartbeatIntervalSeconds, int MaxDurationSeconds);

    public sealed record Heartbeat(DateTime Timestamp);

    /// <summary>The last event: the stream reached <c>SSE_MAX_DURATION_SECONDS</c>; reconnect or poll.</summary>
    public sealed record StreamClosed(string Reason, DateTime Timestamp);

    private sealed class ChangeStream(
        string tenantId, string investigationId, InvestigationChangeFeed feed, IInvestigationRepository investigations,
        LiveChangesOptions options, TimeProvider clock, JsonSerializerOptions json)
    {
        public async IAsyncEnumerable<SseItem<string>> ReadAsync(ChangeCursor cursor, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            var started = clock.GetTimestamp();
            var maxDuration = TimeSpan.FromSeconds(options.MaxDurationSeconds);
            var heartbeat = TimeSpan.FromSeconds(options.HeartbeatIntervalSeconds);
            var poll = TimeSpan.FromMilliseconds(options.PollIntervalMilliseconds);

            var current = await investigations.GetAsync(tenantId, investigationId, cancellationToken);
            yield return Item("connected",
                new StreamOpened(investigationId, current?.Version, current?.UpdatedAt, options.HeartbeatIntervalSeconds, options.MaxDurationSeconds),
                cursor.ToString());
            var lastSent = clock.GetTimestamp();

            while (clock.GetElapsedTime(started) < maxDuration)
            {
                var wait = Min(poll, maxDuration - clock.GetElapsedTime(started));
                if (!await DelayAsync(wait, cancellationToken)) yield break;

                // A one-entry read tells whether anything is new; only then is the trail read back to the cursor.
                var latest = await feed.LatestAsync(tenantId, investigationId, cancellationToken);
                if (latest is not null && cursor.IsBefore(latest)
                    && await feed.AfterAsync(tenantId, investigationId, cursor, cancellationToken) is { } changes)
                {
                    foreach (var entry in changes.Changes)
                    {
                        cursor = ChangeCursor.Of(entry);
                        yield return Item(WireEnum.ToWire(entry.Metadata.ActionType).ToLowerInvariant(), ChangeResponse.From(entry), cursor.ToString());
                        lastSent = clock.GetTimestamp();
                    }
                }

                if (clock.GetElapsedTime(lastSent) >= heartbeat)
                {
                    yield return Item("heartbeat", new Heartbeat(UtcTime.Now(clock)), eventId: null);
                    lastSent = clock.GetTimestamp();
                }
            }
            yield return Item("close", new StreamClosed("max_duration", UtcTime.Now(clock)), eventId: null);
        }

        private SseItem<string> Item<T>(string eventType, T data, string? eventId)
            => new(JsonSerializer.Serialize(data, json), eventType) { EventId = eventId };

        /// <summary>False when the client went away (the request was aborted) during the wait.</summary>
        private async Task<bool> DelayAsync(TimeSpan delay, CancellationToken cancellationToken)
        {
            try
            {
                await Task.Delay(delay, clock, cancellationToken);
                return true;
            }
            catch (OperationCanceledException)
            {
                return false;
            }
        }

        private static TimeSpan Min(TimeSpan a, TimeSpan b) => (a < b ? a : b) is var m && m > TimeSpan.Zero ? m : TimeSpan.Zero;
    }
}
