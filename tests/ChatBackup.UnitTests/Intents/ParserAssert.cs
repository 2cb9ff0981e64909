using ChatBackup.Core.Intents;
using ChatBackup.Core.Intents.Parsing;

namespace ChatBackup.UnitTests.Intents;

/// <summary>Parses with a parser that allows every known region and asserts the outcome.</summary>
internal static class ParserAssert
{
    public const string Instance = "i-0123456789abcdef0";
    public const string Volume = "vol-0123456789abcdef0";
    public const string Image = "ami-0123456789abcdef0";
    public const string Snapshot = "snap-0123456789abcdef0";
    public const string Operation = "op-abcd2345";

    public static CommandParser AnyRegion { get; } = new(new ParserSettings(null));

    public static T Parses<T>(string text, CommandParser? parser = null)
        where T : Intent
    {
        var result = (parser ?? AnyRegion).Parse(text);
        Assert.True(result.Error is null, $"'{text}' failed: {result.Error?.Problem}");
        return Assert.IsType<T>(result.Intent);
    }

    public static CommandError Fails(string text, CommandParser? parser = null)
    {
        var result = (parser ?? AnyRegion).Parse(text);
        Assert.Null(result.Intent);
        return Assert.IsType<CommandError>(result.Error);
    }

    /// <summary>The problem names <paramref name="mentions"/> and the usage is the verb's line.</summary>
    public static CommandError Fails(string text, string mentions, string? usage, CommandParser? parser = null)
    {
        var error = Fails(text, parser);
        Assert.Contains(mentions, error.Problem, StringComparison.Ordinal);
        Assert.Equal(usage, error.Usage);
        return error;
    }
}
