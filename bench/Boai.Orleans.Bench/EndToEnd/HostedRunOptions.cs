using System.Globalization;

namespace Boai.Orleans.Bench.EndToEnd;

/// <summary>
/// What every run against the hosts bench.sh started is told (where the dashboard, storage and silo are, how long and
/// how hard to load them), parsed from <c>--name value</c> arguments in one place; each kind of run adds its own
/// options through <see cref="Option"/>.
/// </summary>
public abstract class HostedRunOptions
{
    public bool Quick { get; private set; }

    public Uri DashboardUrl { get; private set; } = new("http://127.0.0.1:5000");

    public string StorageConnectionString { get; private set; } = "UseDevelopmentStorage=true";

    public int GatewayPort { get; private set; } = 30000;

    public int? SiloPid { get; private set; }

    public string AzuriteVersion { get; private set; } = "unknown";

    public string Command { get; protected set; } = "./bench.sh";

    public int Volunteers { get; protected set; }

    public int Concurrency { get; protected set; }

    public TimeSpan Duration { get; protected set; }

    public TimeSpan Warmup { get; protected set; }

    /// <summary>Reads the arguments: <c>--quick</c> first (it sets the defaults, <paramref name="defaults"/>), then every option in order.</summary>
    protected void Parse(IReadOnlyList<string> args, Action<bool> defaults)
    {
        Quick = args.Contains("--quick");
        defaults(Quick);
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{name} needs a value");
            int Count() => int.TryParse(Value(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0
                ? n
                : throw new ArgumentException($"{name} needs a positive whole number");
            switch (name)
            {
                case "--quick": break;
                case "--dashboard-url": DashboardUrl = new Uri(Value()); break;
                case "--storage": StorageConnectionString = Value(); break;
                case "--gateway-port": GatewayPort = Count(); break;
                case "--silo-pid": SiloPid = Count(); break;
                case "--azurite-version": AzuriteVersion = Value(); break;
                case "--command": Command = Value(); break;
                case "--volunteers": Volunteers = Count(); break;
                case "--concurrency": Concurrency = Count(); break;
                case "--duration": Duration = TimeSpan.FromSeconds(Count()); break;
                case "--warmup": Warmup = TimeSpan.FromSeconds(Count()); break;
                default:
                    if (!Option(name, Value, Count))
                    {
                        throw new ArgumentException($"unknown option {name}");
                    }

                    break;
            }
        }
    }

    /// <summary>An option of this kind of run; false when it is not one.</summary>
    protected abstract bool Option(string name, Func<string> value, Func<int> count);
}
