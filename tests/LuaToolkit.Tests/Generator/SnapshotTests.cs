namespace LuaToolkit.Tests.Generator;

/// <summary>The generated source of a representative module, snapshotted, and proven to compile.</summary>
public sealed class SnapshotTests
{
    private const string Source = """
        using System.Collections.Generic;
        using System.Threading;
        using System.Threading.Tasks;
        using LuaToolkit;

        namespace Weather;

        [LuaOptions]
        public sealed class ForecastOptions
        {
            [LuaOption(Required = true)]
            public string City { get; set; } = "";

            public int Days { get; set; } = 3;

            public Dictionary<string, string>? Headers { get; set; }

            [LuaOption("metric")]
            public bool UseMetric { get; set; } = true;
        }

        [LuaModule("weather", Aliases = ["acme:weather"])]
        public sealed partial class WeatherModule
        {
            [LuaFunction] public double Celsius(double fahrenheit) => (fahrenheit - 32) * 5 / 9;

            [LuaFunction] public (long Low, long High) Range(string city, int? days = null) => (1, days ?? 2);

            [LuaFunction("forecast")]
            public Task<LuaResult<(string Summary, byte[] Raw)>> ForecastAsync(string city, ForecastOptions? options = null, CancellationToken token = default) =>
                Task.FromResult<LuaResult<(string, byte[])>>(LuaFailure.Of("Not Found"));

            [LuaFunction("forecast")]
            public Task<LuaResult<(string Summary, byte[] Raw)>> ForecastAsync(ForecastOptions options, CancellationToken token = default) =>
                ForecastAsync(options.City, options, token);

            [LuaFunction] public static void Reset() { }

            [LuaFunction] public static Task<LuaStringBuffer> Radar(int size) => Task.FromResult(new LuaStringBuffer(size));
        }
        """;

    [Fact]
    public void RepresentativeModule()
    {
        var result = GeneratorHarness.Run(Source);
        Assert.Empty(result.GeneratorDiagnostics);
        Assert.Empty(result.CompileErrors);
        Assert.Equal(["Weather.WeatherModule.Lua.g.cs", "Weather_ForecastOptionsLuaReader.g.cs"], result.Files.Keys.Order(StringComparer.Ordinal));
        var mismatches = result.Files
            .Select(f => Snapshot.Compare(f.Value, f.Key.Replace(".g.cs", ""), nameof(SnapshotTests)))
            .OfType<string>()
            .ToList();
        Assert.Empty(mismatches);
    }
}
