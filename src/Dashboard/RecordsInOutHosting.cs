using Boai.Orleans.Dashboard.Imports;

namespace Boai.Orleans.Dashboard;

/// <summary>Services of records in and out: imports, certificates, reports.</summary>
public static class RecordsInOutHosting
{
    public static IServiceCollection AddRecordsInOut(this IServiceCollection services)
    {
        services.AddSingleton<RecordImports>();
        services.AddSingleton<Reports.DistrictReports>();
        return services;
    }
}
