namespace ChatBackup.Core.Intents.Parsing;

/// <summary>A problem with what the user asked, told to them privately with the usage line.</summary>
public sealed record CommandError(string Problem, string? Usage = null);

/// <summary>Either an intent or the error that names what is wrong; never both.</summary>
public sealed record ParseResult
{
    private ParseResult(Intent? intent, CommandError? error)
    {
        Intent = intent;
        Error = error;
    }

    public Intent? Intent { get; }

    public CommandError? Error { get; }

    public static ParseResult Success(Intent intent) => new(intent, null);

    public static ParseResult Failure(string problem, string? usage) => new(null, new CommandError(problem, usage));
}
