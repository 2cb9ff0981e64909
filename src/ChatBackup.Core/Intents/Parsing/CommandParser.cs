using ChatBackup.Core.Intents.Help;

using static ChatBackup.Core.Intents.Parsing.CommandSyntax;

namespace ChatBackup.Core.Intents.Parsing;

/// <summary>What the parser accepts beyond the grammar.</summary>
/// <param name="AllowedRegions">The regions users may name (<c>Aws:AllowedRegions</c>); null or empty allows every known region.</param>
public sealed record ParserSettings(IReadOnlySet<string>? AllowedRegions);

/// <summary>
/// Turns one command line (the Slack slash-command text or a Teams message with mentions already
/// stripped) into an intent, or into the error that names the problem and the usage line.
/// The grammar is the "Commands" section of PRODUCT.md; ids and regions are checked here so that
/// a rejected command never reaches AWS.
/// </summary>
public sealed partial class CommandParser(ParserSettings settings)
{
    private static readonly CommandSpec AmiCommand = new(
        "ami", Usage.Ami, "<instance>", ["name", "region", "copy-to"], ["no-reboot"], (parser, args) => parser.Ami(args));

    private static readonly CommandSpec SnapshotCommand = new(
        "snapshot", Usage.Snapshot, "<volume>", ["description", "region"], [], (parser, args) => parser.Snapshot(args));

    private static readonly CommandSpec CopyCommand = new(
        "copy", Usage.Copy, "<ami-id>", ["to", "name", "kms-key", "region"], ["encrypted"], (parser, args) => parser.Copy(args));

    private static readonly CommandSpec RestoreCommand = new(
        "restore",
        Usage.Restore,
        "<snapshot-id>",
        ["instance", "device", "type", "size", "iops", "throughput", "region"],
        [],
        (parser, args) => parser.Restore(args));

    private static readonly CommandSpec ListAmisCommand = new(
        "list amis", Usage.ListAmis, null, ["instance", "region", "limit"], [], (parser, args) => parser.ListAmis(args));

    private static readonly CommandSpec ListSnapshotsCommand = new(
        "list snapshots", Usage.ListSnapshots, null, ["volume", "instance", "region", "limit"], [], (parser, args) => parser.ListSnapshots(args));

    private static readonly CommandSpec StatusCommand = new(
        "status", Usage.Status, "<operation-id>", [], [], (_, args) => Status(args), PositionalOptional: true);

    private static readonly CommandSpec DeleteAmiCommand = new(
        "delete ami", Usage.DeleteAmi, "<ami-id>", ["region"], ["keep-snapshots"], (parser, args) => parser.DeleteAmi(args));

    private static readonly CommandSpec DeleteSnapshotCommand = new(
        "delete snapshot", Usage.DeleteSnapshot, "<snapshot-id>", ["region"], [], (parser, args) => parser.DeleteSnapshot(args));

    private static readonly CommandSpec CancelCommand = new(
        "cancel", Usage.Cancel, "<operation-id>", [], [], (_, args) => Cancel(args));

    private static readonly Dictionary<string, CommandSpec> SingleWordCommands = new(StringComparer.Ordinal)
    {
        ["ami"] = AmiCommand,
        ["snapshot"] = SnapshotCommand,
        ["copy"] = CopyCommand,
        ["restore"] = RestoreCommand,
        ["status"] = StatusCommand,
        ["cancel"] = CancelCommand,
    };

    private readonly IReadOnlySet<string>? allowedRegions =
        settings.AllowedRegions is { Count: > 0 } regions ? regions : null;

    /// <summary>Parses <paramref name="text"/>. Never throws: every problem is a <see cref="CommandError"/>.</summary>
    public ParseResult Parse(string? text)
    {
        var tokens = CommandTokenizer.Tokenize(text ?? string.Empty, out var quoteProblem);

        // Teams users often type the slash command's word out of habit: "backup ami web-01".
        var start = tokens.Count > 0 && IsBackupWord(tokens[0]) ? 1 : 0;
        if (start == tokens.Count)
        {
            return quoteProblem is null ? ParseResult.Success(new HelpIntent()) : ParseResult.Failure(quoteProblem, null);
        }

        var verb = tokens[start].Text.ToLowerInvariant();
        if (verb == "help")
        {
            // "help ami" asks for the same reference; an error would be less helpful than the help.
            return ParseResult.Success(new HelpIntent());
        }

        var (command, argsStart, problem, usage) = Resolve(verb, tokens, start);
        if (quoteProblem is not null)
        {
            return ParseResult.Failure(quoteProblem, usage);
        }

        if (command is null)
        {
            return ParseResult.Failure(problem!, usage);
        }

        var (args, collectProblem) = Collect(command, tokens, argsStart);
        if (args is null)
        {
            return ParseResult.Failure(collectProblem!, command.Usage);
        }

        return command.Build(this, args);
    }

    private static bool IsBackupWord(Token token) =>
        !token.Quoted &&
        (token.Text.Equals("backup", StringComparison.OrdinalIgnoreCase) ||
         token.Text.Equals("/backup", StringComparison.OrdinalIgnoreCase));

    /// <summary>Finds the command for the verb (and the list/delete sub-word), or the problem and the usage to show.</summary>
    private static (CommandSpec? Command, int ArgsStart, string? Problem, string? Usage) Resolve(
        string verb, IReadOnlyList<Token> tokens, int start)
    {
        if (SingleWordCommands.TryGetValue(verb, out var single))
        {
            return (single, start + 1, null, single.Usage);
        }

        if (verb is not ("list" or "delete"))
        {
            return (null, 0, $"Unknown command {Show(tokens[start].Text)}.", null);
        }

        var isList = verb == "list";
        var both = isList ? Usage.List : Usage.Delete;
        if (start + 1 == tokens.Count || OptionBody(tokens[start + 1]) is not null)
        {
            return (null, 0, isList ? "list needs amis or snapshots." : "delete needs ami or snapshot.", both);
        }

        // The singular and plural are both accepted: "list ami" and "delete amis" are common slips.
        var sub = tokens[start + 1].Text.ToLowerInvariant();
        CommandSpec? command = sub switch
        {
            "ami" or "amis" => isList ? ListAmisCommand : DeleteAmiCommand,
            "snapshot" or "snapshots" => isList ? ListSnapshotsCommand : DeleteSnapshotCommand,
            _ => null,
        };

        return command is null
            ? (null, 0, $"Unknown {verb} {Show(tokens[start + 1].Text)}: use {verb} {(isList ? "amis" : "ami")} or {verb} {(isList ? "snapshots" : "snapshot")}.", both)
            : (command, start + 2, null, command.Usage);
    }

    /// <summary>Sorts the words after the verb into positional words and options, refusing what the command does not take.</summary>
    private static (Arguments? Arguments, string? Problem) Collect(CommandSpec command, IReadOnlyList<Token> tokens, int start)
    {
        var args = new Arguments();
        for (var i = start; i < tokens.Count; i++)
        {
            var token = tokens[i];
            var body = OptionBody(token);
            if (body is null)
            {
                if (!token.Quoted && token.Text.Length > 0 && IsDash(token.Text[0]))
                {
                    return (null, $"Unknown option {token.Text} for {command.Label}; options start with --.");
                }

                args.Positionals.Add(token.Text);
                continue;
            }

            var equals = body.IndexOf('=', StringComparison.Ordinal);
            var name = equals < 0 ? body : body[..equals];
            var inlineValue = equals < 0 ? null : body[(equals + 1)..];
            var isFlag = command.Flags.Contains(name);
            if (!isFlag && !command.ValueOptions.Contains(name))
            {
                return (null, $"Unknown option --{name} for {command.Label}.");
            }

            if (args.Has(name))
            {
                return (null, $"Option --{name} is given twice.");
            }

            if (isFlag)
            {
                if (inlineValue is not null)
                {
                    return (null, $"Option --{name} is a switch and takes no value.");
                }

                args.Set(name, string.Empty);
                continue;
            }

            var value = inlineValue;
            if (value is null && i + 1 < tokens.Count && OptionBody(tokens[i + 1]) is null)
            {
                value = tokens[++i].Text;
            }

            if (string.IsNullOrEmpty(value))
            {
                return (null, $"Option --{name} needs a value.");
            }

            args.Set(name, value);
        }

        var expected = command.Positional is null ? 0 : 1;
        if (args.Positionals.Count > expected)
        {
            var extra = string.Join(", ", args.Positionals.Skip(expected).Select(Show));
            var takes = command.Positional is null ? "it takes only options" : $"it takes one {command.Positional}";
            return (null, $"Unexpected {extra} for {command.Label}: {takes}. Quote a value that has spaces.");
        }

        if (args.Positionals.Count < expected && !command.PositionalOptional)
        {
            var article = command.Positional![1] is 'a' or 'e' or 'i' or 'o' or 'u' ? "an" : "a";
            return (null, $"{command.Label} needs {article} {command.Positional}.");
        }

        return (args, null);
    }
}
