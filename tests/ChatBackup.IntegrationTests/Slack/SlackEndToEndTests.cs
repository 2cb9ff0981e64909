using System.Net;
using System.Text.Json.Nodes;
using Amazon.EC2.Model;
using ChatBackup.Core.Ec2;
using ChatBackup.Core.Operations;
using ChatBackup.IntegrationTests.Infrastructure;
using ChatBackup.Testing.Ec2;
using ChatBackup.Testing.Moto;
using ChatBackup.Testing.Slack;

namespace ChatBackup.IntegrationTests.Slack;

/// <summary>Signed Slack requests into the whole bot, EC2 by moto, Slack's Web API by a recording server.</summary>
[Collection(MotoFixture.Collection)]
public sealed class SlackEndToEndTests(MotoFixture moto) : IAsyncLifetime
{
    private RecordingSlackServer _slack = null!;
    private ChatBackupApp _app = null!;

    public async Task InitializeAsync()
    {
        _slack = await RecordingSlackServer.StartAsync();
        _app = ChatBackupApp.WithMoto(_slack, moto.Endpoint);
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _slack.DisposeAsync();
    }

    private static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..20];

    private static async Task<JsonNode> EphemeralAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("ephemeral", body["response_type"]!.GetValue<string>());
        return body;
    }

    private async Task<string> AcceptedOperationAsync(HttpResponseMessage response)
    {
        var body = await EphemeralAsync(response);
        var op = Assert.Single(await _app.OperationsAsync());
        Assert.Contains(op.Id, body["text"]!.GetValue<string>());
        return op.Id;
    }

    [Fact]
    public async Task AmiById_NoReboot_CreatesTheAmi_ShowsOneLiveCard_AndTellsTheChannel()
    {
        using var ec2 = moto.CreateClient(ChatBackupApp.Region);
        var name = Unique("web");
        var instance = await MotoSeed.RunInstanceAsync(ec2, name);

        var id = await AcceptedOperationAsync(await _app.CommandAsync($"ami {instance} --no-reboot"));
        var op = await _app.WaitForFinalAsync(id);

        Assert.Equal(OperationState.Succeeded, op.State);
        var images = await ec2.DescribeImagesAsync(new DescribeImagesRequest
        {
            Owners = ["self"],
            Filters = [new Filter("tag:" + BackupTags.Operation, [id])],
        });
        var image = Assert.Single(images.Images);
        Assert.Equal(op.Resource(ResourceKeys.ImageId), image.ImageId);
        Assert.StartsWith(name + "-", image.Name);
        Assert.Contains(image.Tags, t => t.Key == BackupTags.Source && t.Value == instance);
        Assert.Contains(image.Tags, t => t.Key == BackupTags.RequestedBy && t.Value == "slack:U0123ALICE");

        var posts = _slack.Calls.Where(c => c.Method == "chat.postMessage").ToList();
        var card = Assert.Single(posts, p => p["thread_ts"] is null);
        Assert.Equal("C0123OPS", card["channel"]);
        var cardTs = op.CardMessageId;
        Assert.NotNull(cardTs);
        var updates = _slack.Calls.Where(c => c.Method == "chat.update").ToList();
        Assert.NotEmpty(updates);
        Assert.All(updates, u => Assert.Equal(cardTs, u["ts"]));
        Assert.Contains("is available", updates[^1]["text"]);

        var notification = Assert.Single(posts, p => p["thread_ts"] is not null);
        Assert.Equal(cardTs, notification["thread_ts"]);
        Assert.Equal("true", notification["reply_broadcast"]?.ToLowerInvariant());
        Assert.Contains(image.ImageId, notification["text"]);
        Assert.Contains(ChatBackupApp.Region, notification["text"]);
        Assert.Contains("alice", notification["text"]);
    }

    [Fact]
    public async Task AmiByNameTag_ResolvesTheInstance()
    {
        using var ec2 = moto.CreateClient(ChatBackupApp.Region);
        var name = Unique("api");
        var instance = await MotoSeed.RunInstanceAsync(ec2, name);

        var id = await AcceptedOperationAsync(await _app.CommandAsync($"ami {name} --name \"{name} before deploy\""));
        var op = await _app.WaitForFinalAsync(id);

        Assert.Equal(OperationState.Succeeded, op.State);
        Assert.Equal(instance, op.Resource(ResourceKeys.InstanceId));
        Assert.Equal($"{name} before deploy", op.Resource(ResourceKeys.ImageName));
    }

    [Fact]
    public async Task AmbiguousName_IsAnsweredWithTheMatches_AndNothingIsCreated()
    {
        using var ec2 = moto.CreateClient(ChatBackupApp.Region);
        var name = Unique("twin");
        var first = await MotoSeed.RunInstanceAsync(ec2, name);
        var second = await MotoSeed.RunInstanceAsync(ec2, name);

        var body = await EphemeralAsync(await _app.CommandAsync($"ami {name}"));

        var text = body.ToJsonString();
        Assert.Contains(first, text);
        Assert.Contains(second, text);
        Assert.Empty(await _app.OperationsAsync());
        var images = await ec2.DescribeImagesAsync(new DescribeImagesRequest { Owners = ["self"] });
        Assert.DoesNotContain(images.Images ?? [], i => i.Tags.Any(t => t.Key == BackupTags.Source && (t.Value == first || t.Value == second)));
        Assert.Empty(_slack.Calls);
    }

    [Fact]
    public async Task Snapshot_OfAVolume_CompletesAndShowsItsSize()
    {
        using var ec2 = moto.CreateClient(ChatBackupApp.Region);
        var volume = await MotoSeed.CreateVolumeAsync(ec2, ChatBackupApp.Region + "a", 12);

        var id = await AcceptedOperationAsync(await _app.CommandAsync($"snapshot {volume} --description “nightly before patch”"));
        var op = await _app.WaitForFinalAsync(id);

        Assert.Equal(OperationState.Succeeded, op.State);
        var snapshot = (await ec2.DescribeSnapshotsAsync(new DescribeSnapshotsRequest { SnapshotIds = [op.Resource(ResourceKeys.SnapshotId)!] })).Snapshots.Single();
        Assert.Equal("nightly before patch", snapshot.Description);
        Assert.Equal(volume, snapshot.VolumeId);
        Assert.Contains(snapshot.Tags, t => t.Key == BackupTags.Operation && t.Value == id);
        Assert.Contains("12 GiB", _slack.Calls.Last(c => c.Method == "chat.update").Body!.ToJsonString());
    }

    [Fact]
    public async Task ListAmis_ForAnInstance_RepliesPrivatelyWithItsAmis()
    {
        using var ec2 = moto.CreateClient(ChatBackupApp.Region);
        var name = Unique("db");
        await MotoSeed.RunInstanceAsync(ec2, name);
        var ami = await _app.WaitForFinalAsync(await AcceptedOperationAsync(await _app.CommandAsync($"ami {name} --no-reboot")));

        await EphemeralAsync(await _app.CommandAsync($"list amis --instance {name}"));
        var reply = await _slack.WaitForAsync("chat.postEphemeral");

        Assert.Equal("U0123ALICE", reply["user"]);
        Assert.Contains(ami.Resource(ResourceKeys.ImageId)!, reply.Body!.ToJsonString());
    }

    [Fact]
    public async Task Status_ListsTheChannelsOperations()
    {
        using var ec2 = moto.CreateClient(ChatBackupApp.Region);
        var instance = await MotoSeed.RunInstanceAsync(ec2, Unique("st"));
        var id = await AcceptedOperationAsync(await _app.CommandAsync($"ami {instance} --no-reboot"));

        var body = await EphemeralAsync(await _app.CommandAsync("status"));

        Assert.Contains(id, body.ToJsonString());
    }

    [Fact]
    public async Task BadSignature_Is401_AndNothingIsRecordedOrSent()
    {
        var forged = new SlackRequestSigner("not-the-secret").Command("ami i-0123456789abcdef0");

        var response = await _app.CreateClient().SendAsync(forged);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Empty(await _app.OperationsAsync());
        Assert.Empty(_slack.Calls);
    }

    [Fact]
    public async Task StaleTimestamp_Is401_AndNothingIsRecorded()
    {
        var stale = _app.Signer.Command("help", DateTimeOffset.UtcNow.AddMinutes(-6));

        var response = await _app.CreateClient().SendAsync(stale);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Empty(await _app.OperationsAsync());
    }

    [Theory]
    [InlineData("ami", "ami <instance>")]
    [InlineData("snapshot vol-nothex", "snapshot <volume>")]
    [InlineData("ami i-0123456789abcdef0 --region mars-1", "ami <instance>")]
    [InlineData("frobnicate", "frobnicate")]
    public async Task BadInput_Is200WithAPrivateError_AndCreatesNothing(string text, string expected)
    {
        var body = await EphemeralAsync(await _app.CommandAsync(text));

        Assert.Contains(expected, SlackText.Visible(body));
        Assert.Empty(await _app.OperationsAsync());
        Assert.Empty(_slack.Calls);
    }

    [Fact]
    public async Task SlackRetryOfTheSameCommand_CreatesOneOperation()
    {
        using var ec2 = moto.CreateClient(ChatBackupApp.Region);
        var instance = await MotoSeed.RunInstanceAsync(ec2, Unique("retry"));
        var fields = new SlackCommandFields($"ami {instance} --no-reboot", TriggerId: "trigger-" + Guid.NewGuid().ToString("N"));

        await _app.CommandAsync(fields.Text, fields);
        var retry = _app.Signer.Command(fields);
        retry.Headers.Add("X-Slack-Retry-Num", "1");
        await EphemeralAsync(await _app.CreateClient().SendAsync(retry));

        var op = Assert.Single(await _app.OperationsAsync());
        await _app.WaitForFinalAsync(op.Id);
        var images = await ec2.DescribeImagesAsync(new DescribeImagesRequest { Owners = ["self"], Filters = [new Filter("tag:" + BackupTags.Source, [instance])] });
        Assert.Single(images.Images);
    }

    [Fact]
    public async Task SslCheck_Is200_AndDoesNothing()
    {
        var request = _app.Signer.Form(SlackRequestSigner.CommandsPath, [new("ssl_check", "1"), new("token", "ignored")]);

        var response = await _app.CreateClient().SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(await _app.OperationsAsync());
    }
}
