using System.Text.Json;
using Azure;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Orleans.Runtime.Messaging;
using Orleans.Serialization;
using Orleans.Storage;

namespace Boai.Orleans.Dashboard.Api;

/// <summary>
/// Exceptions as problem details: a body that cannot be read is a 400 naming the field where it broke; storage or the
/// cluster not answering is a 503 with Retry-After (the request may or may not have been applied: retry it, the
/// commands are idempotent). Anything else stays a 500 without details.
/// </summary>
public sealed partial class ApiExceptionHandler(IProblemDetailsService problems, ILogger<ApiExceptionHandler> logger) : IExceptionHandler
{
    public const int RetryAfterSeconds = 5;

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        ProblemDetails problem;
        if (exception is BadHttpRequestException bad)
        {
            problem = bad.StatusCode == StatusCodes.Status400BadRequest
                ? new HttpValidationProblemDetails(new Dictionary<string, string[]> { [FieldOf(bad)] = [Message(bad)] })
                {
                    Title = ApiProblems.MalformedTitle,
                }
                : new ProblemDetails { Title = bad.Message };
            problem.Status = bad.StatusCode;
        }
        else if (IsStateTooLarge(exception))
        {
            // The record would outgrow what one stored state holds; retrying cannot help, and nothing was written.
            problem = new HttpValidationProblemDetails(new Dictionary<string, string[]>
            {
                ["body"] = ["记录已达存储上限，无法再增加 / The record has reached its storage limit and cannot grow further"],
            })
            {
                Title = ApiProblems.InvalidTitle,
                Status = StatusCodes.Status400BadRequest,
            };
        }
        else if (IsUnavailable(exception))
        {
            LogUnavailable(logger, exception, httpContext.Request.Method, (httpContext.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText);
            httpContext.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            problem = new ProblemDetails { Title = ApiProblems.UnavailableTitle, Status = StatusCodes.Status503ServiceUnavailable };
        }
        else
        {
            return false;
        }

        httpContext.Response.StatusCode = problem.Status!.Value;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = problem, Exception = exception });
    }

    /// <summary>
    /// Orleans' Azure Table grain storage refuses a state over what one entity holds with this message (an
    /// <see cref="ArgumentOutOfRangeException"/> for <c>GrainState.Size</c>); matched by text, as it may cross from the
    /// silo as a fallback exception.
    /// </summary>
    public const string StateTooLargeMessage = "Data too large to write to Azure table";

    public static bool IsStateTooLarge(Exception exception)
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            if (e.Message.Contains(StateTooLargeMessage, StringComparison.Ordinal)
                || (e is AggregateException aggregate && aggregate.InnerExceptions.Any(IsStateTooLarge)))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether the exception says a dependency did not answer, rather than that the request was wrong.</summary>
    public static bool IsUnavailable(Exception exception)
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case RequestFailedException:
                case TimeoutException:
                case ConnectionFailedException:
                case InconsistentStateException:
                case OrleansException:
                case UnavailableExceptionFallbackException { ExceptionType: { } type } when type.Contains("RequestFailedException", StringComparison.Ordinal):
                case AggregateException aggregate when aggregate.InnerExceptions.Any(IsUnavailable):
                    return true;
            }
        }

        return false;
    }

    /// <summary>The camelCase path of the JSON member where reading failed (<c>$.location.lat</c> → <c>location.lat</c>).</summary>
    private static string FieldOf(BadHttpRequestException bad)
    {
        var path = (bad.InnerException as JsonException)?.Path;
        if (string.IsNullOrEmpty(path) || path == "$")
        {
            return "body";
        }

        return path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');
    }

    private static string Message(BadHttpRequestException bad) => bad.InnerException switch
    {
        // A time without offset or out of range says which rule it broke.
        JsonException { Message: var text } when text.StartsWith(ApiTimes.OffsetRule, StringComparison.Ordinal) => ApiTimes.OffsetRule + "; " + ApiTimes.RangeRule,
        JsonException => "JSON 格式或类型有误 / Malformed JSON or a value of the wrong type",
        _ => "请求体缺失或无法读取 / The body is missing or unreadable",
    };

    [LoggerMessage(EventId = 1101, Level = LogLevel.Warning, Message = "A dependency did not answer {Method} {Route}: 503.")]
    private static partial void LogUnavailable(ILogger logger, Exception exception, string method, string? route);
}
