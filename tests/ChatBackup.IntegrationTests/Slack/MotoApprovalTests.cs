using Amazon.EC2.Model;
using ChatBackup.Core.Cards;
using ChatBackup.Core.Ec2;
using ChatBackup.Core.Operations;
using ChatBackup.IntegrationTests.Infrastructure;
using ChatBackup.Testing.Moto;
using ChatBackup.Testing.Slack;

namespace ChatBackup.IntegrationTests.Slack;

/// <summary>Restore, delete and copy through Slack against moto, through the real AWS SDK gateway.</summary>
[Collection(MotoFixture.Collection)]
public sealed class MotoApprovalTests(MotoFixture moto) : IAsyncLifetime
{
    private const string Bob = "U0456BOB";

    private RecordingSlackServer _slack = null!;
    private ChatBackupApp _app = null!;

    public async Task InitializeAsync()
    {
        _slack = await RecordingSlackServer.StartAsync();
        _app = ChatBackupApp.WithMoto(_slack, moto.Endpoint, new Dictionary<string, string?> { ["Access:Approvers:0"] = "slack:" + Bob });
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _slack.DisposeAsync();
    }

    private static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..20];

    private async Task<Operation> ApproveAsync(string command)
    {
        await _app.CommandAsync(command);
        await _slack.WaitForAsync(c => c.Method == "chat.postMessage" && SlackText.Visible(c.Body).Contains("Approval needed", StringComparison.Ordinal));
        var op = (await _app.OperationsAsync())[0];
        await _app.CreateClient().SendAsync(_app.Signer.Interaction(
            SlackRequestSigner.BlockActionsPayload(CardActions.Approve, op.Id, Bob, "bob", messageTs: await _app.WaitForCardAsync(op.Id))));
        return await _app.WaitForFinalAsync(op.Id);
    }

    [Fact]
    public async Task Restore_CreatesTheVolumeInTheInstancesZone_AndAttachesIt()
    {
        using var ec2 = moto.CreateClient(ChatBackupApp.Region);
        var name = Unique("restore");
        var instance = await MotoSeed.RunInstanceAsync(ec2, name, "us-east-1c");
        var source = await MotoSeed.CreateVolumeAsync(ec2, "us-east-1c", 10);
        var snapshot = (await ec2.CreateSnapshotAsync(new Amazon.EC2.Model.CreateSnapshotRequest { VolumeId = source, Description = "before upgrade" })).Snapshot.SnapshotId;

        var op = await ApproveAsync($"restore {snapshot} --instance {name} --type gp3 --size 12");

        Assert.Equal(OperationState.Succeeded, op.State);
        var volume = (await ec2.DescribeVolumesAsync(new DescribeVolumesRequest { VolumeIds = [op.Resource(ResourceKeys.VolumeId)!] })).Volumes.Single();
        Assert.Equal(snapshot, volume.SnapshotId);
        Assert.Equal("us-east-1c", volume.AvailabilityZone);
        Assert.Equal(12, volume.Size);
        Assert.Contains(volume.Attachments, a => a.InstanceId == instance && a.Device == "/dev/sdf");
        Assert.Contains(volume.Tags, t => t.Key == BackupTags.Operation && t.Value == op.Id);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task DeleteAmi_DeregistersIt_AndDeletesOrKeepsItsSnapshots(bool keep)
    {
        using var ec2 = moto.CreateClient(ChatBackupApp.Region);
        var instance = await MotoSeed.RunInstanceAsync(ec2, Unique("del"));
        await _app.CommandAsync($"ami {instance} --no-reboot");
        var ami = await _app.WaitForFinalAsync((await _app.OperationsAsync())[0].Id);
        var imageId = ami.Resource(ResourceKeys.ImageId)!;
        var snapshots = ami.Resource(ResourceKeys.SnapshotIds)!.Split(", ");

        var op = await ApproveAsync($"delete ami {imageId}{(keep ? " --keep-snapshots" : "")}");

        Assert.Equal(OperationState.Succeeded, op.State);
        var images = await ec2.DescribeImagesAsync(new DescribeImagesRequest { Owners = ["self"], Filters = [new Filter("image-id", [imageId])] });
        Assert.Empty(images.Images ?? []); // SDK v4 leaves empty lists null
        var left = await ec2.DescribeSnapshotsAsync(new DescribeSnapshotsRequest { OwnerIds = ["self"], Filters = [new Filter("snapshot-id", [.. snapshots])] });
        Assert.Equal(keep ? snapshots.Length : 0, left.Snapshots?.Count ?? 0);
    }

    [Fact]
    public async Task Copy_PutsTheImageInTheDestinationRegion()
    {
        using var east = moto.CreateClient(ChatBackupApp.Region);
        using var west = moto.CreateClient("us-west-2");
        var instance = await MotoSeed.RunInstanceAsync(east, Unique("copy"));
        await _app.CommandAsync($"ami {instance} --no-reboot");
        var ami = await _app.WaitForFinalAsync((await _app.OperationsAsync())[0].Id);

        await _app.CommandAsync($"copy {ami.Resource(ResourceKeys.ImageId)} --to us-west-2 --name \"dr copy\"");
        var copy = await _app.WaitForFinalAsync((await _app.OperationsAsync())[0].Id);

        Assert.Equal(OperationState.Succeeded, copy.State);
        var found = await west.DescribeImagesAsync(new DescribeImagesRequest { Owners = ["self"], Filters = [new Filter("tag:" + BackupTags.Operation, [copy.Id])] });
        var image = Assert.Single(found.Images);
        Assert.Equal(copy.Resource(ResourceKeys.CopyImageId), image.ImageId);
        Assert.Equal("dr copy", image.Name);
        var notice = _slack.Calls.Last(c => c.Method == "chat.postMessage" && c["thread_ts"] is not null);
        Assert.Contains(image.ImageId, notice["text"]);
        Assert.Contains("us-west-2", notice["text"]);
    }
}
