# Multi-stage build: the SDK image builds and publishes the host; the runtime image holds only
# the publish output and runs it as a non-root user.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY Directory.Build.props Directory.Packages.props ChatBackup.sln appsettings.json ./
COPY src/ src/
RUN dotnet publish src/ChatBackup.Host/ChatBackup.Host.csproj -c Release -o /app --no-self-contained

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
COPY --from=build /app ./
ENV ASPNETCORE_HTTP_PORTS=8080 \
    DOTNET_CLI_TELEMETRY_OPTOUT=1
EXPOSE 8080
USER app
ENTRYPOINT ["dotnet", "ChatBackup.Host.dll"]
