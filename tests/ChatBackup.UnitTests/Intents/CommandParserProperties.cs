using ChatBackup.Core.Intents;
using ChatBackup.Core.Intents.CreateAmi;
using ChatBackup.Core.Intents.Parsing;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

using static ChatBackup.UnitTests.Intents.ParserAssert;

namespace ChatBackup.UnitTests.Intents;

/// <summary>Text a user might send: mostly grammar words, quotes, dashes and odd Unicode, some plain noise.</summary>
public sealed record CommandText(string Value)
{
    public override string ToString() => Value;
}

/// <summary>A well-formed <c>ami</c> command, written the many ways chat clients let users write it, with what it means.</summary>
public sealed record AmiCommandText(string Value, CreateAmiIntent Expected)
{
    public override string ToString() => Value;
}

public static class CommandTextArbitraries
{
    private static readonly string[] GrammarWords =
    [
        "help", "ami", "AMI", "snapshot", "copy", "restore", "list", "amis", "snapshots", "status", "delete", "cancel", "backup", "/backup",
        "--name", "--no-reboot", "--region", "--copy-to", "--description", "--to", "--encrypted", "--kms-key", "--instance",
        "--device", "--type", "--size", "--iops", "--throughput", "--limit", "--volume", "--keep-snapshots", "--foo", "--Name",
        "--", "—", "–", "-", "--region=", "—name=", "--no-reboot=yes", "=", "==",
        Instance, "i-1234abcd", "i-xyz", "I-0123456789ABCDEF0", Volume, "vol-1", Image, "ami-12", Snapshot, "snap-zz", Operation, "op-", "OP-ABCD2345",
        "us-east-1", "eu-west-1", "us-east-9", "US-EAST-1", "gp3", "io1", "io2", "gp2", "st1", "GP3",
        "0", "1", "-1", "100", "101", "3000", "65537", "99999999999999999999", "1e3", "٣",
        "/dev/sdf", "/dev/sda", "alias/dr", "arn:aws:kms:us-east-1:111122223333:key/x", "web-01", "bob's-box",
    ];

    private static readonly string[] Oddities =
    [
        "\"", "“", "”", "„", "‘", "’", "'", "‚", "‛", "‟", "\"\"", "“”", "''",
        "\u00A0", "\u202F", "\u200B", "\uFEFF", "\u2060", "\u202E", "\0", "\r\n", "\t", "\n",
        "🙂", "\uD800", "\uDC00", "e\u0301", "Ω", "ß", "İ", "ı", "<at>Bot</at>", "&nbsp;", "\\",
    ];

    private static readonly string[] Separators = [" ", " ", " ", "", "\u00A0", "\t", "=", "\n"];

    public static Arbitrary<CommandText> CommandText()
    {
        var noise = Gen.Choose(0, 0xFFFF).Select(c => (char)c).ArrayOf().Select(chars => new string(chars));
        var ascii = Gen.Choose(0x20, 0x7E).Select(c => (char)c).ArrayOf().Select(chars => new string(chars));
        var word = Gen.Frequency(
            (10, Gen.Elements(GrammarWords)),
            (4, Gen.Elements(Oddities)),
            (2, ascii),
            (1, noise));

        // A word wrapped in a random pair of quotes, matched or not, reaches the tokenizer's quote rules.
        var quoteMark = Gen.Elements(Oddities[..13]);
        var quoted =
            from open in quoteMark
            from inner in word
            from close in quoteMark
            select open + inner + close;
        var piece = Gen.Frequency((6, word), (1, quoted));
        var joined = Gen.Zip(piece, Gen.Elements(Separators), (p, separator) => p + separator).ListOf().Select(string.Concat);

        return Gen.Frequency((8, joined), (1, noise), (1, ascii)).Select(text => new CommandText(text)).ToArbitrary();
    }

    public static Arbitrary<AmiCommandText> AmiCommandText()
    {
        var intent =
            from instance in Gen.Elements(Instance, "i-1234abcd", "web-01", "db_primary", "web server 01")
            from name in Gen.Elements<string?>(null, "nightly", "before upgrade", "web (01) [x] ./-'@_")
            from region in Gen.Elements<string?>(null, "us-east-1", "eu-west-1")
            from copyTo in Gen.Elements<string?>(null, "us-west-2", "ap-southeast-2")
            from noReboot in Gen.Elements(true, false)
            select new CreateAmiIntent(new InstanceRef(instance), name, noReboot, region, copyTo);

        var style =
            from dash in Gen.Elements("--", "—", "–")
            from quotes in Gen.Elements(("\"", "\""), ("“", "”"), ("„", "“"), ("‘", "’"), ("'", "'"))
            from useEquals in Gen.Elements(true, false)
            from space in Gen.Elements(" ", "  ", "\u00A0", "\t")
            from backupWord in Gen.Elements("", "backup", "/backup")
            select new WritingStyle(dash, quotes.Item1, quotes.Item2, useEquals, space, backupWord);

        return
            (from i in intent
             from s in style
             from ordered in Gen.Shuffle(s.Words(i))
             select new AmiCommandText(string.Join(s.Space, new[] { s.BackupWord, "ami" }.Concat(ordered)), i)).ToArbitrary();
    }

    private sealed record WritingStyle(string Dash, string Open, string Close, bool UseEquals, string Space, string BackupWord)
    {
        public IEnumerable<string> Words(CreateAmiIntent intent)
        {
            yield return Value(intent.Instance.Value);
            if (intent.Name is { } name)
            {
                yield return Option("name", name);
            }

            if (intent.NoReboot)
            {
                yield return Dash + "no-reboot";
            }

            if (intent.TargetRegion is { } region)
            {
                yield return Option("region", region);
            }

            if (intent.CopyTo is { } copyTo)
            {
                yield return Option("copy-to", copyTo);
            }
        }

        private string Value(string value) => value.Contains(' ', StringComparison.Ordinal) ? Open + value + Close : value;

        private string Option(string option, string value) =>
            UseEquals ? $"{Dash}{option}={Value(value)}" : $"{Dash}{option}{Space}{Value(value)}";
    }
}

[Properties(Arbitrary = [typeof(CommandTextArbitraries)])]
public sealed class CommandParserProperties
{
    private static readonly HashSet<string?> UsageAnswers = [.. Usage.All, Usage.List, Usage.Delete, null];

    private static readonly CommandParser Restricted = new(new ParserSettings(new HashSet<string> { "us-east-1", "eu-west-1" }));

    [Property(MaxTest = 3000)]
    public void Parse_NeverThrows_AndReturnsExactlyOneOfIntentOrError(CommandText text)
    {
        foreach (var parser in new[] { AnyRegion, Restricted })
        {
            var result = parser.Parse(text.Value);

            Assert.True(result.Intent is null != (result.Error is null), "exactly one of Intent and Error");
            if (result.Error is { } error)
            {
                Assert.False(string.IsNullOrWhiteSpace(error.Problem));
                Assert.Contains(error.Usage, UsageAnswers);
            }
            else
            {
                Assert.True(result.Intent!.Region is null || AwsRegions.IsKnown(result.Intent.Region));
            }
        }
    }

    [Property(MaxTest = 1000)]
    public void Parse_WellFormedAmiCommand_InAnyOrderQuoteOrDashStyle_MeansTheSame(AmiCommandText command) =>
        Assert.Equal(command.Expected, Parses<CreateAmiIntent>(command.Value));
}
