using System.Text;
using ChatBackup.Jobs.Dashboard;

namespace ChatBackup.Host.Hosting;

/// <summary>
/// <c>dotnet ChatBackup.Host.dll --hash-dashboard-password</c>: reads a password from standard input
/// (not the command line, which other users and shell history can see) and prints the
/// <c>Dashboard:PasswordHash</c> value for it.
/// </summary>
public static class DashboardPasswordVerb
{
    public const string Verb = "--hash-dashboard-password";

    private const int MinimumLength = 12;

    public static int Run()
    {
        var password = Console.IsInputRedirected ? Console.In.ReadLine() : ReadHidden();
        if (string.IsNullOrEmpty(password) || password.Length < MinimumLength)
        {
            Console.Error.WriteLine($"The password must have at least {MinimumLength} characters.");
            return 1;
        }

        Console.WriteLine(DashboardPasswordHash.Create(password));
        return 0;
    }

    private static string ReadHidden()
    {
        Console.Error.Write("Dashboard password: ");
        var password = new StringBuilder();
        for (var key = Console.ReadKey(intercept: true); key.Key != ConsoleKey.Enter; key = Console.ReadKey(intercept: true))
        {
            if (key.Key == ConsoleKey.Backspace)
            {
                password.Length = Math.Max(0, password.Length - 1);
            }
            else if (!char.IsControl(key.KeyChar))
            {
                password.Append(key.KeyChar);
            }
        }

        Console.Error.WriteLine();
        return password.ToString();
    }
}
