namespace ChatBackup.Core.Commands;

/// <summary>The region used when a command names none (<c>Aws:DefaultRegion</c> or the SDK's region chain).</summary>
public sealed record RegionSettings(string DefaultRegion);
