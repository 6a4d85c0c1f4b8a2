using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace Olorin.Server.Phases;

/// <summary>
/// The write-back marker check of a server in <c>postgres</c> alone (no <c>SECONDARY_DATABASE_URL</c>) whose database
/// was unreachable at start-up. Such a server still starts (it answers 503 until the database is back, as before the
/// phases existed), but it must not serve PostgreSQL's data before it knows that PostgreSQL does not lag writes
/// MongoDB acknowledged. So until the check has run: every API request (not the anonymous monitoring endpoints)
/// first tries the check itself and answers 503 with <c>Retry-After</c> while it cannot be done, and
/// <see cref="WriteBackCheckRetry"/> tries it in the background. When the check finds the marker, the server stops
/// with exit code 1 and the same fatal line a start-up refusal gives: that is what an operator gets when the database
/// was up at start-up, and a server that cannot drain the write-back must not serve.
/// </summary>
public sealed partial class WriteBackCheck(IServiceProvider services, IHostApplicationLifetime lifetime, ILogger<WriteBackCheck> logger)
{
    private readonly SemaphoreSlim _running = new(1, 1);
    private volatile bool _pending;
    private volatile string? _lastError;

    /// <summary>True while the check has not been done.</summary>
    public bool Pending => _pending;

    public string? LastError => _lastError;

    internal void Defer(string error)
    {
        _lastError = error;
        _pending = true;
    }

    /// <summary>Runs the check when it is still pending (one caller at a time); true when it is done.</summary>
    public async Task<bool> TryCompleteAsync(CancellationToken cancellationToken)
    {
        if (!_pending) return true;
        // One attempt at a time: a request that finds one running answers 503 at once instead of queueing behind it.
        if (!await _running.WaitAsync(0, cancellationToken)) return false;
        try
        {
            if (!_pending) return true;
            await PhaseStartup.CheckWriteBackAsync(services, logger, cancellationToken);
            _pending = false;
            _lastError = null;
            LogChecked(logger);
            return true;
        }
        catch (StartupAbortedException refused)
        {
            _lastError = refused.Message;
            LogRefused(logger, refused.Message);
            Environment.ExitCode = 1;
            lifetime.StopApplication();
            return false;
        }
        catch (Exception e) when (PhaseStartup.IsUnreachable(e) && !cancellationToken.IsCancellationRequested)
        {
            _lastError = $"{e.GetType().Name}: {Logging.SecretRedactor.Redact(e.Message)}";
            return false;
        }
        finally
        {
            _running.Release();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Migration phase: PostgreSQL is reachable again and has no incomplete MongoDB write-back; serving")]
    private static partial void LogChecked(ILogger logger);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Olorin Server cannot start: {Reason}")]
    private static partial void LogRefused(ILogger logger, string reason);
}

/// <summary>Retries a pending <see cref="WriteBackCheck"/> every second, then up to every 10 s, until it is done.</summary>
public sealed class WriteBackCheckRetry(WriteBackCheck check) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var wait = TimeSpan.FromSeconds(1);
        try
        {
            while (check.Pending && !stoppingToken.IsCancellationRequested)
            {
                await Task.Delay(wait, stoppingToken);
                if (await check.TryCompleteAsync(stoppingToken)) return;
                wait = TimeSpan.FromTicks(Math.Min(wait.Ticks * 2, TimeSpan.FromSeconds(10).Ticks));
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // shutting down
        }
    }
}

public static class WriteBackCheckMiddleware
{
    /// <summary>After authorization: API requests wait for a pending <see cref="WriteBackCheck"/> or get a 503.</summary>
    public static IApplicationBuilder UseWriteBackCheck(this IApplicationBuilder app)
        => app.Use(async (context, next) =>
        {
            if (context.RequestServices.GetService<WriteBackCheck>() is { Pending: true } check
                && context.GetEndpoint() is { } endpoint && endpoint.Metadata.GetMetadata<IAllowAnonymous>() is null
                && !await check.TryCompleteAsync(context.RequestAborted))
            {
                context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                context.Response.Headers.RetryAfter = Errors.ProblemExceptionHandler.RetryAfterSeconds.ToString();
                await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = context,
                    ProblemDetails = new ProblemDetails
                    {
                        Status = StatusCodes.Status503ServiceUnavailable,
                        Title = "Service Unavailable",
                        Detail = "The postgres database has not been checked for an incomplete MongoDB write-back yet (it was unreachable at start-up); retry later.",
                    },
                });
                return;
            }
            await next(context);
        });
}
