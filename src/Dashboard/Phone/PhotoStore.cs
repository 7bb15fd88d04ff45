using Azure;
using Azure.Identity;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Boai.Orleans.Hosting;
using Microsoft.Extensions.Options;

namespace Boai.Orleans.Dashboard.Phone;

/// <summary>Visit photos (section <c>Photos</c>): where they are kept and how many and how large they may be.</summary>
public sealed class PhotoOptions
{
    public const string SectionName = "Photos";

    /// <summary>The blob container of visit photos, one blob per photo: <c>{volunteerId}|{visitId}/{photoId}</c> (the visit's key).</summary>
    public string Container { get; set; } = "boai-visit-photos";

    /// <summary>Largest photo accepted; the phone resizes before it uploads, so this only stops mistakes and abuse.</summary>
    public long MaxBytes { get; set; } = 2 * 1024 * 1024;

    public int MaxPerVisit { get; set; } = 6;

    /// <summary>The blob endpoint with a managed identity, when <c>Storage:ConnectionString</c> is not used.</summary>
    public Uri? BlobServiceUri { get; set; }
}

/// <summary>The kinds of image a photo may be, told by their first bytes (the declared content type must agree).</summary>
public static class PhotoFormats
{
    public static readonly IReadOnlyList<string> ContentTypes = ["image/jpeg", "image/png", "image/webp"];

    public static string? Sniff(ReadOnlySpan<byte> data) => data switch
    {
        [0xFF, 0xD8, 0xFF, ..] => "image/jpeg",
        [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, ..] => "image/png",
        [0x52, 0x49, 0x46, 0x46, _, _, _, _, 0x57, 0x45, 0x42, 0x50, ..] => "image/webp",
        _ => null,
    };
}

/// <summary>Visit photos in Azure Blob storage (Azurite in the demo and the tests); the container is private.</summary>
public sealed class PhotoStore
{
    private readonly BlobContainerClient _container;
    private Task? _created;

    public PhotoStore(IConfiguration configuration, IOptions<PhotoOptions> options)
    {
        var storage = configuration.GetStorageSettings();
        var service = options.Value.BlobServiceUri is { } uri
            ? new BlobServiceClient(uri, new DefaultAzureCredential())
            : new BlobServiceClient(storage.ConnectionString);
        _container = service.GetBlobContainerClient(options.Value.Container);
    }

    public async Task PutAsync(string visitId, string photoId, string contentType, BinaryData data, CancellationToken cancellationToken)
    {
        await EnsureContainerAsync();
        await _container.GetBlobClient(Name(visitId, photoId)).UploadAsync(
            data,
            new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = contentType } },
            cancellationToken);
    }

    public async Task<(BinaryData Data, string ContentType)?> GetAsync(string visitId, string photoId, CancellationToken cancellationToken)
    {
        try
        {
            var result = await _container.GetBlobClient(Name(visitId, photoId)).DownloadContentAsync(cancellationToken);
            return (result.Value.Content, result.Value.Details.ContentType);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
    }

    public async Task DeleteAsync(string visitId, string photoId, CancellationToken cancellationToken)
    {
        await _container.GetBlobClient(Name(visitId, photoId)).DeleteIfExistsAsync(cancellationToken: cancellationToken);
    }

    /// <summary>Whether a photo's blob exists (tests: a refused upload stores nothing).</summary>
    public async Task<int> CountAsync(string visitId, CancellationToken cancellationToken)
    {
        await EnsureContainerAsync();
        var count = 0;
        await foreach (var _ in _container.GetBlobsAsync(new GetBlobsOptions { Prefix = visitId + "/" }, cancellationToken))
        {
            count++;
        }

        return count;
    }

    private static string Name(string visitId, string photoId) => $"{visitId}/{photoId}";

    private Task EnsureContainerAsync()
    {
        var created = _created;
        if (created is null || created.IsFaulted || created.IsCanceled)
        {
            created = _container.CreateIfNotExistsAsync(PublicAccessType.None);
            _created = created;
        }

        return created;
    }
}
