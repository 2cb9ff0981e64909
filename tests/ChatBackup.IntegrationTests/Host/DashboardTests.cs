using System.Net;
using System.Net.Http.Headers;
using System.Text;
using ChatBackup.IntegrationTests.Infrastructure;
using ChatBackup.Jobs.Dashboard;
using ChatBackup.Testing.Ec2;
using ChatBackup.Testing.Moto;
using ChatBackup.Testing.Slack;
using Microsoft.AspNetCore.Mvc.Testing;

namespace ChatBackup.IntegrationTests.Host;

/// <summary>Who gets the Hangfire dashboard: loopback always, remote operators with Basic credentials over HTTPS.</summary>
[Collection(MotoFixture.Collection)]
public sealed class DashboardTests : IAsyncLifetime
{
    private const string User = "ops";
    private const string Password = "correct horse battery staple";

    private static readonly IPAddress Remote = IPAddress.Parse("203.0.113.7");
    private static readonly Uri Https = new("https://chatbackup.example.com");
    private static readonly Uri Http = new("http://chatbackup.example.com");

    // The minimum work factor keeps the tests quick; production hashes use the default.
    private static readonly string Hash = DashboardPasswordHash.Create(Password, DashboardPasswordHash.MinimumIterations);

    private RecordingSlackServer _slack = null!;

    public async Task InitializeAsync() => _slack = await RecordingSlackServer.StartAsync();

    public async Task DisposeAsync() => await _slack.DisposeAsync();

    [Fact]
    public async Task Remote_WithoutCredentials_IsChallenged()
    {
        await using var app = RemoteEnabled();

        var response = await Client(app, Remote, Https).GetAsync("/hangfire");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Basic", Assert.Single(response.Headers.WwwAuthenticate).Scheme);
    }

    [Fact]
    public async Task Remote_WithTheRightCredentials_IsServed()
    {
        await using var app = RemoteEnabled();
        var client = Client(app, Remote, Https, User, Password);

        var first = await client.GetAsync("/hangfire");
        var again = await client.GetAsync("/hangfire/jobs/enqueued");

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Contains("Hangfire Dashboard", await first.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
    }

    [Theory]
    [InlineData(User, "correct horse battery stapler")]
    [InlineData("admin", Password)]
    [InlineData(User, "")]
    public async Task Remote_WithWrongCredentials_IsChallenged(string user, string password)
    {
        await using var app = RemoteEnabled();

        var response = await Client(app, Remote, Https, user, password).GetAsync("/hangfire");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.NotEmpty(response.Headers.WwwAuthenticate);
    }

    [Fact]
    public async Task Remote_OverPlainHttp_IsRefused_WithoutAskingForThePassword()
    {
        await using var app = RemoteEnabled();

        var response = await Client(app, Remote, Http, User, Password).GetAsync("/hangfire");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Empty(response.Headers.WwwAuthenticate);
    }

    [Fact]
    public async Task Remote_OverPlainHttp_IsServed_WhenTheOperatorAllowsIt()
    {
        await using var app = RemoteEnabled(new() { ["Dashboard:AllowInsecureHttp"] = "true" });

        var response = await Client(app, Remote, Http, User, Password).GetAsync("/hangfire");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Remote_WithCredentials_IsRefused_WhileRemoteAccessIsOff()
    {
        await using var app = App(new() { ["Dashboard:Username"] = User, ["Dashboard:PasswordHash"] = Hash });

        var response = await Client(app, Remote, Https, User, Password).GetAsync("/hangfire");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Loopback_IsServed_WithoutCredentials()
    {
        await using var app = RemoteEnabled();

        var response = await Client(app, IPAddress.Loopback, Http).GetAsync("/hangfire");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Loopback_ThroughAProxyOnTheSameHost_CountsAsRemote()
    {
        await using var app = App();
        var request = new HttpRequestMessage(HttpMethod.Get, "/hangfire");
        request.Headers.Add("X-Forwarded-For", "198.51.100.9");

        var response = await Client(app, IPAddress.Loopback, Http).SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Disabled_DashboardIsNotThere()
    {
        await using var app = App(new() { ["Dashboard:Enabled"] = "false" });

        var response = await Client(app, IPAddress.Loopback, Http).GetAsync("/hangfire");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Remote_PostWithoutTheAntiforgeryToken_IsForbidden()
    {
        // Browsers resend Basic credentials to any page that posts here: the token is what proves intent.
        await using var app = RemoteEnabled();

        var response = await Client(app, Remote, Https, User, Password).PostAsync("/hangfire/stats", new FormUrlEncodedContent([]));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    private ChatBackupApp App(Dictionary<string, string?>? settings = null) => ChatBackupApp.WithFake(_slack, new FakeEc2Gateway(), settings);

    private ChatBackupApp RemoteEnabled(Dictionary<string, string?>? settings = null)
    {
        var all = new Dictionary<string, string?>
        {
            ["Dashboard:AllowRemote"] = "true",
            ["Dashboard:Username"] = User,
            ["Dashboard:PasswordHash"] = Hash,
        };
        foreach (var (key, value) in settings ?? [])
        {
            all[key] = value;
        }

        return App(all);
    }

    private static HttpClient Client(ChatBackupApp app, IPAddress caller, Uri baseAddress, string? user = null, string? password = null)
    {
        var client = app.WithRemoteAddress(caller).CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = baseAddress, AllowAutoRedirect = false });
        if (user is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
        }

        return client;
    }
}
