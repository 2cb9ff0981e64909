using System.Net;
using Hangfire.Dashboard;

namespace ChatBackup.Jobs;

/// <summary>The dashboard shows job arguments and can retry or delete jobs: loopback callers only.</summary>
public sealed class LoopbackOnlyDashboardFilter : IDashboardAuthorizationFilter
{
    public bool Authorize(DashboardContext context)
    {
        var remote = context.GetHttpContext().Connection.RemoteIpAddress;
        return remote is not null && IPAddress.IsLoopback(remote);
    }
}
