using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace ChatBackup.Jobs.Dashboard;

/// <summary>
/// A salted PBKDF2-HMAC-SHA256 password hash written as
/// <c>pbkdf2-sha256$&lt;iterations&gt;$&lt;salt base64&gt;$&lt;hash base64&gt;</c>, so the configuration
/// holds something that is useless to whoever reads it.
/// </summary>
public sealed class DashboardPasswordHash
{
    public const string Scheme = "pbkdf2-sha256";

    /// <summary>OWASP's 2023 recommendation for PBKDF2-HMAC-SHA256.</summary>
    public const int DefaultIterations = 600_000;

    public const int MinimumIterations = 100_000;

    private const int MaximumIterations = 10_000_000;
    private const int SaltBytes = 16;
    private const int HashBytes = 32;

    private readonly byte[] _salt;
    private readonly byte[] _hash;

    private DashboardPasswordHash(int iterations, byte[] salt, byte[] hash)
    {
        Iterations = iterations;
        _salt = salt;
        _hash = hash;
    }

    public int Iterations { get; }

    /// <summary>A new hash of <paramref name="password"/> with a random salt.</summary>
    public static string Create(string password, int iterations = DefaultIterations)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(iterations, MinimumIterations);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(iterations, MaximumIterations);
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        var hash = Derive(password, salt, iterations);
        return string.Join('$', Scheme, iterations.ToString(CultureInfo.InvariantCulture), Convert.ToBase64String(salt), Convert.ToBase64String(hash));
    }

    /// <summary>Parses a hash string; <paramref name="problem"/> completes "Dashboard:PasswordHash …" when it is not one.</summary>
    public static bool TryParse(string? text, out DashboardPasswordHash? hash, out string? problem)
    {
        hash = null;
        var parts = (text ?? "").Split('$');
        if (parts.Length != 4 || parts[0] != Scheme)
        {
            problem = $"must look like {Scheme}$<iterations>$<salt base64>$<hash base64>.";
            return false;
        }

        if (!int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var iterations)
            || iterations < MinimumIterations || iterations > MaximumIterations)
        {
            problem = $"must use between {MinimumIterations} and {MaximumIterations} iterations.";
            return false;
        }

        if (!TryBase64(parts[2], out var salt) || salt.Length < SaltBytes)
        {
            problem = $"must have a base64 salt of at least {SaltBytes} bytes.";
            return false;
        }

        if (!TryBase64(parts[3], out var derived) || derived.Length != HashBytes)
        {
            problem = $"must have a base64 hash of {HashBytes} bytes.";
            return false;
        }

        hash = new DashboardPasswordHash(iterations, salt, derived);
        problem = null;
        return true;
    }

    /// <summary>True when <paramref name="password"/> derives the same bytes, compared in constant time.</summary>
    public bool Verify(string password) =>
        CryptographicOperations.FixedTimeEquals(Derive(password, _salt, Iterations), _hash);

    private static byte[] Derive(string password, byte[] salt, int iterations) =>
        Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA256, HashBytes);

    private static bool TryBase64(string text, out byte[] bytes)
    {
        try
        {
            bytes = Convert.FromBase64String(text);
            return true;
        }
        catch (FormatException)
        {
            bytes = [];
            return false;
        }
    }
}
