using ChatBackup.Host.Hosting;

namespace ChatBackup.IntegrationTests.Host;

/// <summary>The probe finds the port the host listens on, in the order the host itself uses.</summary>
public sealed class HealthProbeTests
{
    [Theory]
    [InlineData(null, null, null, "http://127.0.0.1:8080/health/live")]
    [InlineData(null, null, "9090", "http://127.0.0.1:9090/health/live")]
    [InlineData(null, null, "9090;9091", "http://127.0.0.1:9090/health/live")]
    [InlineData(null, "http://+:7070;https://+:7443", "9090", "http://127.0.0.1:7070/health/live")]
    [InlineData(null, "https://*:7443;http://*:7070", null, "http://127.0.0.1:7070/health/live")]
    [InlineData("6060", "http://+:7070", "9090", "http://127.0.0.1:6060/health/live")]
    public void DefaultUrl_FollowsTheHostsPortSettings(string? port, string? urls, string? httpPorts, string expected)
    {
        var environment = new Dictionary<string, string?> { ["PORT"] = port, ["ASPNETCORE_URLS"] = urls, ["ASPNETCORE_HTTP_PORTS"] = httpPorts };

        Assert.Equal(expected, HealthProbe.DefaultUrl(key => environment.GetValueOrDefault(key)));
    }

    [Fact]
    public void DefaultUrl_RefusesAPortVariableThatIsNotAPort()
    {
        var error = Assert.Throws<InvalidOperationException>(() => HealthProbe.DefaultUrl(key => key == "PORT" ? "eighty" : null));

        Assert.Contains("PORT", error.Message, StringComparison.Ordinal);
    }
}
