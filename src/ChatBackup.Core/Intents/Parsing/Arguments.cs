namespace ChatBackup.Core.Intents.Parsing;

/// <summary>What one command accepts: its label in messages, usage line, positional word and options, and how its intent is built.</summary>
/// <param name="Positional">The one positional word (<c>&lt;instance&gt;</c>, …), or null when the command takes only options.</param>
internal sealed record CommandSpec(
    string Label,
    string Usage,
    string? Positional,
    IReadOnlyCollection<string> ValueOptions,
    IReadOnlyCollection<string> Flags,
    Func<CommandParser, Arguments, ParseResult> Build,
    bool PositionalOptional = false);

/// <summary>The words after the verb, sorted: positional words in order, options by name (a switch's value is empty).</summary>
internal sealed class Arguments
{
    private readonly Dictionary<string, string> options = new(StringComparer.Ordinal);

    public List<string> Positionals { get; } = [];

    public bool Has(string option) => options.ContainsKey(option);

    public string? Get(string option) => options.GetValueOrDefault(option);

    public void Set(string option, string value) => options[option] = value;
}
