using System.Net;
using ChatBackup.IntegrationTests.Infrastructure;
using ChatBackup.Testing.Ec2;
using ChatBackup.Testing.Moto;
using ChatBackup.Testing.Slack;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ChatBackup.IntegrationTests.Host;

/// <summary>Start-up checks, health probes and the dashboard's loopback rule.</summary>
[Collection(MotoFixture.Collection)]
public sealed class HostTests : IAsyncLifetime
{
    private RecordingSlackServer _slack = null!;

    public async Task InitializeAsync() => _slack = await RecordingSlackServer.StartAsync();

    public async Task DisposeAsync() => await _slack.DisposeAsync();

    private ChatBackupApp App(Dictionary<string, string?>? settings = null) => ChatBackupApp.WithFake(_slack, new FakeEc2Gateway(), settings);

    [Theory]
    [InlineData("Backup:PollInterval", "-00:00:01", "Backup:PollInterval")]
    [InlineData("Access:Approvers:0", "bob", "Access:Approvers:0")]
    [InlineData("Slack:BotToken", "xoxp-user-token", "Slack:BotToken")]
    [InlineData("Aws:AllowedRegions:0", "us-east-9", "Aws:AllowedRegions:0")]
    [InlineData("Approvals:Timeout", "00:00:00", "Approvals:Timeout")]
    [InlineData("Dashboard:AllowRemote", "true", "Dashboard:AllowRemote")]
    [InlineData("Dashboard:PasswordHash", "hunter2", "Dashboard:PasswordHash")]
    [InlineData("Dashboard:Username", "ops", "Dashboard:PasswordHash")]
    public async Task InvalidConfiguration_StopsStartUp_NamingTheKey(string key, string value, string named)
    {
        await using var app = App(new() { [key] = value });

        var error = Assert.ThrowsAny<Exception>(() => app.CreateClient());

        var messages = string.Join(" | ", Unwrap(error).Select(e => e.Message));
        Assert.Contains(named, messages);
    }

    [Fact]
    public async Task HealthProbes_AnswerWhenStorageIsReachable()
    {
        await using var app = App();
        var client = app.CreateClient();

        var live = await client.GetAsync("/health/live");
        var ready = await client.GetAsync("/health/ready");

        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("Healthy", await ready.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task WithoutASigningSecret_SlackRoutesAre404()
    {
        await using var app = App(new() { ["Slack:SigningSecret"] = "", ["Slack:BotToken"] = "" });

        var response = await app.CreateClient().SendAsync(new SlackRequestSigner("anything").Command("help"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Dashboard_IsRefusedToRemoteCallers()
    {
        await using var app = App();

        var response = await app.WithRemoteAddress(IPAddress.Parse("203.0.113.7")).CreateClient().GetAsync("/hangfire");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Dashboard_IsServedToLoopbackCallers()
    {
        await using var app = App();

        var response = await app.WithRemoteAddress(IPAddress.Loopback).CreateClient().GetAsync("/hangfire");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Hangfire Dashboard", await response.Content.ReadAsStringAsync());
    }

    private static IEnumerable<Exception> Unwrap(Exception error)
    {
        for (Exception? e = error; e is not null; e = e.InnerException)
        {
            yield return e;
            if (e is AggregateException aggregate)
            {
                foreach (var inner in aggregate.InnerExceptions.SelectMany(Unwrap))
                {
                    yield return inner;
                }
            }

            if (e is OptionsValidationException options)
            {
                foreach (var failure in options.Failures)
                {
                    yield return new InvalidOperationException(failure);
                }
            }
        }
    }
}

internal static class RemoteAddressExtensions
{
    /// <summary>The test server leaves the caller's address empty; this sets it as a real connection would.</summary>
    public static Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<Program> WithRemoteAddress(this ChatBackupApp app, IPAddress address) =>
        app.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton<Microsoft.AspNetCore.Hosting.IStartupFilter>(new RemoteAddressFilter(address))));

    private sealed class RemoteAddressFilter(IPAddress address) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                context.Connection.RemoteIpAddress = address;
                return nextMiddleware(context);
            });
            next(app);
        };
    }
}
