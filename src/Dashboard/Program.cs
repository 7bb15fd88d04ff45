using Boai.Orleans.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddBoaiClusterClient();

var app = builder.Build();
app.MapGet("/health/live", () => Results.Ok(new { status = "live" }));
app.Run();

/// <summary>Entry point, visible to WebApplicationFactory in tests.</summary>
public partial class Program;
