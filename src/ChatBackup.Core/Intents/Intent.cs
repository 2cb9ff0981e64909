using System.Text.Json.Serialization;
using ChatBackup.Core.Intents.Cancel;
using ChatBackup.Core.Intents.CopyAmi;
using ChatBackup.Core.Intents.CreateAmi;
using ChatBackup.Core.Intents.CreateSnapshot;
using ChatBackup.Core.Intents.DeleteAmi;
using ChatBackup.Core.Intents.DeleteSnapshot;
using ChatBackup.Core.Intents.Help;
using ChatBackup.Core.Intents.ListBackups;
using ChatBackup.Core.Intents.RestoreSnapshot;
using ChatBackup.Core.Intents.Status;

namespace ChatBackup.Core.Intents;

/// <summary>What a user asked for, parsed from one command line. Stored with the operation as JSON.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "verb")]
[JsonDerivedType(typeof(HelpIntent), "help")]
[JsonDerivedType(typeof(CreateAmiIntent), "ami")]
[JsonDerivedType(typeof(CreateSnapshotIntent), "snapshot")]
[JsonDerivedType(typeof(CopyAmiIntent), "copy")]
[JsonDerivedType(typeof(RestoreSnapshotIntent), "restore")]
[JsonDerivedType(typeof(ListAmisIntent), "list-amis")]
[JsonDerivedType(typeof(ListSnapshotsIntent), "list-snapshots")]
[JsonDerivedType(typeof(StatusIntent), "status")]
[JsonDerivedType(typeof(DeleteAmiIntent), "delete-ami")]
[JsonDerivedType(typeof(DeleteSnapshotIntent), "delete-snapshot")]
[JsonDerivedType(typeof(CancelIntent), "cancel")]
public abstract record Intent
{
    /// <summary>The region the user named with <c>--region</c>, or null for the configured default.</summary>
    public virtual string? Region => null;

    /// <summary>The kind of operation this intent records, or null when it is answered at once (help, status, cancel).</summary>
    [JsonIgnore]
    public abstract OperationKind? Kind { get; }

    /// <summary>Restores and deletes wait for a second person.</summary>
    [JsonIgnore]
    public bool NeedsApproval => Kind is OperationKind.RestoreSnapshot or OperationKind.DeleteAmi or OperationKind.DeleteSnapshot;
}
