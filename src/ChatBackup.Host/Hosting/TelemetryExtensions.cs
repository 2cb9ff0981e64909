using System.Reflection;
using ChatBackup.Core.Operations;
using ChatBackup.Core.Telemetry;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace ChatBackup.Host.Hosting;

public static class TelemetryExtensions
{
    /// <summary>The standard variable; when set, the exporter also reads the other <c>OTEL_EXPORTER_OTLP_*</c> variables.</summary>
    public const string OtlpEndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>An endpoint in configuration, for hosts where setting variables is awkward; the variable wins.</summary>
    public const string OtlpEndpointKey = "Telemetry:OtlpEndpoint";

    /// <summary><c>grpc</c> (default, port 4317) or <c>http/protobuf</c> (port 4318) for <see cref="OtlpEndpointKey"/>.</summary>
    public const string OtlpProtocolKey = "Telemetry:OtlpProtocol";

    private const string ServiceName = "chatbackup";

    /// <summary>
    /// Operation transitions counted at the store, always: the <c>ChatBackup</c> meter serves any
    /// in-process listener (dotnet-counters, tests). When an OTLP endpoint is configured, traces
    /// (ASP.NET Core, HttpClient, the <c>ChatBackup</c> source), metrics (ASP.NET Core, HttpClient,
    /// runtime, the <c>ChatBackup</c> meter) and logs are exported. Without one the OpenTelemetry SDK
    /// is not set up at all: with nowhere to send them, it would only build a span and record a
    /// histogram for every request and every Slack call.
    /// Call after <c>AddStorage</c> and <c>AddBackups</c>: it wraps whichever store they chose.
    /// </summary>
    public static IServiceCollection AddChatBackupTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        services.DecorateOperationStore();

        Action<OpenTelemetryBuilder> export;
        if (!string.IsNullOrWhiteSpace(configuration[OtlpEndpointVariable]))
        {
            export = telemetry => telemetry.UseOtlpExporter();
        }
        else if (configuration[OtlpEndpointKey] is { Length: > 0 } endpoint)
        {
            if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri))
            {
                throw new InvalidOperationException($"{OtlpEndpointKey} must be an absolute URL such as http://collector:4317, not '{endpoint}'.");
            }

            var protocol = Protocol(configuration[OtlpProtocolKey]);
            export = telemetry => telemetry.UseOtlpExporter(protocol, uri);
        }
        else
        {
            return services;
        }

        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(
                configuration["OTEL_SERVICE_NAME"] ?? ServiceName,
                serviceVersion: typeof(TelemetryExtensions).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion))
            .WithTracing(tracing => tracing
                .AddSource(ChatBackupTelemetry.Name)
                .AddAspNetCoreInstrumentation(options =>
                    // Probes hit these every few seconds and would drown the traces that matter.
                    options.Filter = context => !context.Request.Path.StartsWithSegments("/health"))
                .AddHttpClientInstrumentation(options => options.EnrichWithHttpRequestMessage = HideSecretUrl))
            .WithMetrics(metrics => metrics
                .AddMeter(ChatBackupTelemetry.Name)
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation())
            .WithLogging(configureBuilder: null, configureOptions: IncludeScopes);
        export(telemetry);
        return services;
    }

    /// <summary>Wraps the registered <see cref="IOperationStore"/> in a <see cref="TelemetryOperationStore"/>.</summary>
    private static void DecorateOperationStore(this IServiceCollection services)
    {
        var registered = services.LastOrDefault(d => d.ServiceType == typeof(IOperationStore))
            ?? throw new InvalidOperationException("AddChatBackupTelemetry must come after AddBackups/AddStorage: no IOperationStore is registered.");
        services.Remove(registered);
        services.Add(ServiceDescriptor.Describe(
            typeof(IOperationStore),
            provider => new TelemetryOperationStore(Create(provider, registered)),
            registered.Lifetime));
    }

    private static IOperationStore Create(IServiceProvider provider, ServiceDescriptor registered) => (IOperationStore)(
        registered.ImplementationInstance
        ?? registered.ImplementationFactory?.Invoke(provider)
        ?? ActivatorUtilities.CreateInstance(provider, registered.ImplementationType!));

    private static void IncludeScopes(OpenTelemetryLoggerOptions options)
    {
        // Scopes carry the operation id (and step) the runner sets; without them a log line cannot be tied to an operation.
        options.IncludeScopes = true;
        options.IncludeFormattedMessage = true;
    }

    private static OtlpExportProtocol Protocol(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        null or "" or "grpc" => OtlpExportProtocol.Grpc,
        "http/protobuf" => OtlpExportProtocol.HttpProtobuf,
        _ => throw new InvalidOperationException($"{OtlpProtocolKey} must be grpc or http/protobuf, not '{value}'."),
    };

    /// <summary>A Slack <c>response_url</c> is itself the credential: a span shows only its host.</summary>
    private static void HideSecretUrl(System.Diagnostics.Activity activity, HttpRequestMessage request)
    {
        if (ChatBackupTelemetry.IsSecretUrl(request) && request.RequestUri is { } uri)
        {
            activity.SetTag("url.full", $"{uri.Scheme}://{uri.Authority}/[redacted]");
            activity.SetTag("url.path", null);
        }
    }
}
