namespace ChatBackup.Core.Intents;

public enum OperationKind
{
    CreateAmi,
    CreateSnapshot,
    CopyAmi,
    RestoreSnapshot,
    DeleteAmi,
    DeleteSnapshot,
    ListAmis,
    ListSnapshots,
}
