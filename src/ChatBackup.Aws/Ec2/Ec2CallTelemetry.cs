using System.Diagnostics;
using ChatBackup.Core.Ec2;
using ChatBackup.Core.Telemetry;

namespace ChatBackup.Aws.Ec2;

/// <summary>
/// The span and the <see cref="ChatBackupTelemetry.Ec2CallsName"/> count of one gateway call.
/// Disposing without <see cref="Succeeded"/> or <see cref="Failed"/> counts the call as
/// <c>cancelled</c> or <c>error</c>, so every call is counted once whichever way it ends.
/// </summary>
internal sealed class Ec2CallTelemetry : IDisposable
{
    private readonly string _action;
    private readonly string _region;
    private readonly CancellationToken _cancellationToken;
    private readonly Activity? _activity;
    private bool _recorded;

    private Ec2CallTelemetry(string action, string region, CancellationToken cancellationToken)
    {
        _action = action;
        _region = region;
        _cancellationToken = cancellationToken;

        // Named like the SDK's own spans ("EC2.CreateImage"); the SDK's HTTP request is a child span.
        _activity = ChatBackupTelemetry.ActivitySource.StartActivity($"EC2.{action}", ActivityKind.Client);
        _activity?.SetTag("rpc.system", "aws-api");
        _activity?.SetTag("rpc.service", "EC2");
        _activity?.SetTag("rpc.method", action);
        _activity?.SetTag("cloud.region", region);
    }

    public static Ec2CallTelemetry Start(string action, string region, CancellationToken cancellationToken) =>
        new(action, region, cancellationToken);

    public void Succeeded() => Record(ChatBackupTelemetry.Ok, null);

    public void Failed(Ec2Exception error)
    {
        if (error.Kind == Ec2FaultKind.Throttled)
        {
            ChatBackupTelemetry.Ec2Throttled(_action, _region);
        }

        Record(Outcome(error.Kind), error.Code);
    }

    public void Dispose()
    {
        if (!_recorded)
        {
            Record(_cancellationToken.IsCancellationRequested ? "cancelled" : "error", null);
        }

        _activity?.Dispose();
    }

    private void Record(string outcome, string? errorCode)
    {
        _recorded = true;
        ChatBackupTelemetry.Ec2Call(_action, _region, outcome);
        if (_activity is null)
        {
            return;
        }

        _activity.SetTag("chatbackup.outcome", outcome);
        if (outcome != ChatBackupTelemetry.Ok)
        {
            _activity.SetTag("aws.error.code", errorCode);
            _activity.SetTag("error.type", errorCode ?? outcome);
            _activity.SetStatus(ActivityStatusCode.Error, errorCode);
        }
    }

    private static string Outcome(Ec2FaultKind kind) => kind switch
    {
        Ec2FaultKind.Throttled => "throttled",
        Ec2FaultKind.Transient => "transient",
        Ec2FaultKind.Unauthorized => "unauthorized",
        Ec2FaultKind.NotFound => "not_found",
        _ => "permanent",
    };
}
