# syntax=docker/dockerfile:1
# Multi-stage build: the SDK image restores and publishes the host; the runtime image holds only
# the publish output and runs it as the image's non-root user. No secrets are baked in: Slack keys,
# the dashboard password hash and AWS credentials come from the environment at run time.
#   docker build -t chatbackup .
#   docker run -p 8080:8080 -e Aws__DefaultRegion=us-east-1 chatbackup
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src

# Restore from the project files alone, so a source change does not invalidate the package layer.
COPY Directory.Build.props Directory.Packages.props .editorconfig ./
COPY src/ChatBackup.Core/ChatBackup.Core.csproj src/ChatBackup.Core/
COPY src/ChatBackup.Aws/ChatBackup.Aws.csproj src/ChatBackup.Aws/
COPY src/ChatBackup.Slack/ChatBackup.Slack.csproj src/ChatBackup.Slack/
COPY src/ChatBackup.Jobs/ChatBackup.Jobs.csproj src/ChatBackup.Jobs/
COPY src/ChatBackup.Host/ChatBackup.Host.csproj src/ChatBackup.Host/
RUN dotnet restore src/ChatBackup.Host/ChatBackup.Host.csproj

COPY appsettings.json ./
COPY src/ src/
RUN dotnet publish src/ChatBackup.Host/ChatBackup.Host.csproj -c Release -o /app --no-restore --no-self-contained -p:UseAppHost=false

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
# Owned by root and read-only to the app user: the process cannot rewrite its own binaries.
COPY --from=build /app ./

# ASPNETCORE_HTTP_PORTS is the listening port (PORT, when a platform sets it, wins).
ENV ASPNETCORE_HTTP_PORTS=8080 \
    DOTNET_CLI_TELEMETRY_OPTOUT=1 \
    DOTNET_NOLOGO=1
EXPOSE 8080

# APP_UID is the image's non-root "app" user; numeric, so Kubernetes' runAsNonRoot can verify it.
USER $APP_UID

# The runtime image has no curl: the host probes itself and exits 0/1 without starting the app.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["dotnet", "/app/ChatBackup.Host.dll", "--health-probe"]

ENTRYPOINT ["dotnet", "/app/ChatBackup.Host.dll"]
