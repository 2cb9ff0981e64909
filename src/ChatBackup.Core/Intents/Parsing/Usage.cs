namespace ChatBackup.Core.Intents.Parsing;

/// <summary>
/// The usage line of every command, exactly as the "Commands" section of PRODUCT.md lists them
/// (restore joined onto one line, the approval notes left out). Errors quote the line of the verb.
/// </summary>
public static class Usage
{
    public const string Help = "help";
    public const string Ami = "ami <instance> [--name <name>] [--no-reboot] [--region <r>] [--copy-to <r2>]";
    public const string Snapshot = "snapshot <volume> [--description <text>] [--region <r>]";
    public const string Copy = "copy <ami-id> --to <region> [--name <name>] [--encrypted] [--kms-key <id|arn|alias>] [--region <source>]";
    public const string Restore = "restore <snapshot-id> --instance <instance> [--device <name>] [--type <gp3|gp2|io1|io2|st1|sc1|standard>] [--size <GiB>] [--iops <n>] [--throughput <MiB/s>] [--region <r>]";
    public const string ListAmis = "list amis [--instance <instance>] [--region <r>] [--limit <n>]";
    public const string ListSnapshots = "list snapshots [--volume <volume>] [--instance <instance>] [--region <r>] [--limit <n>]";
    public const string Status = "status [<operation-id>]";
    public const string DeleteAmi = "delete ami <ami-id> [--keep-snapshots] [--region <r>]";
    public const string DeleteSnapshot = "delete snapshot <snapshot-id> [--region <r>]";
    public const string Cancel = "cancel <operation-id>";

    /// <summary>Both <c>list</c> lines, for an error where the sub-word is missing or unknown.</summary>
    public const string List = ListAmis + "\n" + ListSnapshots;

    /// <summary>Both <c>delete</c> lines, for an error where the sub-word is missing or unknown.</summary>
    public const string Delete = DeleteAmi + "\n" + DeleteSnapshot;

    /// <summary>Every line in the order PRODUCT.md lists them: the help text.</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        Help, Ami, Snapshot, Copy, Restore, ListAmis, ListSnapshots, Status, DeleteAmi, DeleteSnapshot, Cancel,
    ];
}
