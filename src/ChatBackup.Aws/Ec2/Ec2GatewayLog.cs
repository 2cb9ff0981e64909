using ChatBackup.Core.Ec2;
using Microsoft.Extensions.Logging;

namespace ChatBackup.Aws.Ec2;

internal static partial class Ec2GatewayLog
{
    [LoggerMessage(EventId = 4001, Level = LogLevel.Warning, Message = "EC2 {Action} in {Region} failed: {Code} ({Kind})")]
    public static partial void CallFailed(ILogger logger, string action, string region, string code, Ec2FaultKind kind, Exception exception);
}
