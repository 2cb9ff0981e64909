using ChatBackup.Core.Intents.Parsing;

namespace ChatBackup.UnitTests.Intents;

public sealed class UsageTests
{
    [Fact]
    public void All_HasOneLinePerCommand_InProductOrder()
    {
        string[] verbs = ["help", "ami ", "snapshot ", "copy ", "restore ", "list amis", "list snapshots", "status", "delete ami ", "delete snapshot ", "cancel "];

        Assert.Equal(verbs.Length, Usage.All.Count);
        Assert.All(verbs.Zip(Usage.All), pair => Assert.StartsWith(pair.First, pair.Second, StringComparison.Ordinal));
    }

    [Fact]
    public void All_LinesAreSingleLinesWithoutApprovalNotes() =>
        Assert.All(Usage.All, line =>
        {
            Assert.DoesNotContain('\n', line);
            Assert.DoesNotContain("approval", line, StringComparison.Ordinal);
            Assert.Equal(line.Trim(), line);
        });

    [Fact]
    public void ListAndDelete_HoldBothOfTheirLines()
    {
        Assert.Equal([Usage.ListAmis, Usage.ListSnapshots], Usage.List.Split('\n'));
        Assert.Equal([Usage.DeleteAmi, Usage.DeleteSnapshot], Usage.Delete.Split('\n'));
    }
}
