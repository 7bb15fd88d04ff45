using Boai.Orleans.Dashboard;

var builder = WebApplication.CreateBuilder(args);
builder.AddBoaiDashboard();

var app = builder.Build();
app.UseBoaiDashboard();
app.Run();

/// <summary>Entry point, visible to WebApplicationFactory in tests.</summary>
public partial class Program;
