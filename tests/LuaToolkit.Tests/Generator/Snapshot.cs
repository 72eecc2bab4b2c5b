using System.Runtime.CompilerServices;

namespace LuaToolkit.Tests.Generator;

/// <summary>
/// Snapshot files in Verify's convention: <c>Type.Method#target.verified.cs</c> beside the test. On a
/// mismatch (or a missing snapshot) the new text goes to <c>*.received.cs</c> and the test fails; set
/// <c>VERIFY_ACCEPT=1</c> to accept received text as verified. Verify.Xunit itself cannot be restored in
/// this environment; moving to it is a rename of this call to <c>Verify(...)</c>.
/// </summary>
internal static class Snapshot
{
    /// <summary>Fails the test on a mismatch (after writing the received file).</summary>
    public static void Match(string actual, string target, string type,
        [CallerMemberName] string method = "", [CallerFilePath] string file = "")
    {
        if (Compare(actual, target, type, method, file) is { } failure) Assert.Fail(failure);
    }

    /// <summary>Null when <paramref name="actual"/> matches its verified file; else writes the received file
    /// and says where, so a test with several targets can write them all before failing.</summary>
    public static string? Compare(string actual, string target, string type,
        [CallerMemberName] string method = "", [CallerFilePath] string file = "")
    {
        string dir = Path.GetDirectoryName(file)!;
        string stem = Path.Combine(dir, $"{type}.{method}#{target}");
        string verified = stem + ".verified.cs";
        string received = stem + ".received.cs";
        actual = actual.Replace("\r\n", "\n");

        if (File.Exists(verified) && File.ReadAllText(verified).Replace("\r\n", "\n") == actual)
        {
            File.Delete(received);
            return null;
        }
        if (Environment.GetEnvironmentVariable("VERIFY_ACCEPT") == "1")
        {
            File.WriteAllText(verified, actual);
            File.Delete(received);
            return null;
        }
        File.WriteAllText(received, actual);
        return $"Snapshot mismatch: compare {received} with {verified}; set VERIFY_ACCEPT=1 to accept.";
    }
}
