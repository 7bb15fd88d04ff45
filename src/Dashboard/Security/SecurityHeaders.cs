namespace Boai.Orleans.Dashboard.Security;

/// <summary>
/// Browser-side limits on every answer: the page and the certificate may run only the service's own scripts and talk
/// only to the service (a script injected through a record's text could not load code or send data elsewhere), may not
/// be framed, and no answer is sniffed as another type. The third-party viewers under <c>/scalar</c> and
/// <c>/orleans</c> carry inline scripts of their own and keep their own rules. Host filtering is
/// ASP.NET Core's, set by <c>AllowedHosts</c>.
/// </summary>
public static class SecurityHeaders
{
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
        "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        var headers = context.Response.Headers;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        if (!context.Request.Path.StartsWithSegments("/scalar") && !context.Request.Path.StartsWithSegments(OrleansDashboardRoutes.Path))
        {
            headers.ContentSecurityPolicy = ContentSecurityPolicy;
            headers.XFrameOptions = "DENY";
        }

        return next(context);
    });
}
