using System.Text.Json;
using System.Text.Json.Serialization;
using Spectre.Console;

namespace Olorin.Cli.Cli;

/// <summary>
/// Where a command writes: human text (progress, tables) on stdout, or with <c>--json</c> on stderr while stdout
/// receives exactly one JSON document at the end.
/// </summary>
public sealed class CliOutput
{
    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    public CliOutput(bool json)
    {
        IsJson = json;
        Human = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(json ? Console.Error : Console.Out),
        });
        // Redirected to a file or a pipe, Spectre assumes 80 columns and wraps the tables; logs read better wide.
        if (json ? Console.IsErrorRedirected : Console.IsOutputRedirected) Human.Profile.Width = 160;
    }

    public bool IsJson { get; }

    /// <summary>The console for people: stdout normally, stderr under <c>--json</c>.</summary>
    public IAnsiConsole Human { get; }

    public void Line(string markup) => Human.MarkupLine(markup);

    public void Text(string text) => Human.WriteLine(text);

    /// <summary>Writes the one JSON document (only under <c>--json</c>).</summary>
    public void Result(object document)
    {
        if (!IsJson) return;
        Console.Out.WriteLine(JsonSerializer.Serialize(document, Json));
        Console.Out.Flush();
    }
}
