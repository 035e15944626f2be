using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Fer.Inference.Models;

namespace Fer.Inference.Storage;

/// <summary>
/// The models container: version folders under <c>fer/&lt;version&gt;/</c> and the pointer
/// <c>fer/current.json</c>. Publishing uploads the whole folder before it writes the pointer.
/// </summary>
public sealed class ModelStore(BlobContainerClient container)
{
    public const string Prefix = "fer/";
    public const string PointerBlob = "fer/current.json";

    public BlobContainerClient Container { get; } = container;

    /// <summary>
    /// Uploads a verified version folder (model, manifest, report) and, with <paramref name="promote"/>, points serving at it.
    /// Versions are immutable: when the version's manifest is already published, the same model (same ONNX SHA-256) uploads
    /// nothing and a different one is refused. A version without its manifest (an interrupted publish) is uploaded again.
    /// </summary>
    public async Task<ModelManifest> PublishAsync(string directory, bool promote, CancellationToken cancellationToken = default)
    {
        // Every precision the manifest lists is uploaded, so each is verified (size, SHA-256, loads) before any upload.
        var manifest = ModelManifest.Load(Path.Combine(directory, ModelManifest.FileName));
        foreach (var precision in ModelPrecision.All.Where(p => manifest.Onnx.Choose(p).Precision == p))
        {
            using var folder = ModelVersionFolder.Open(directory, precision: precision);
        }

        await Container.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        if (await PublishedSha256Async(manifest.Version, cancellationToken).ConfigureAwait(false) is { } published)
        {
            if (!string.Equals(published, manifest.Onnx.Sha256, StringComparison.OrdinalIgnoreCase))
            {
                throw new FerException(
                    $"Model version '{manifest.Version}' is already published in container '{Container.Name}' with a different model " +
                    $"(sha256 {published}, this folder's is {manifest.Onnx.Sha256}). Versions are immutable: give the model a new version.");
            }
        }
        else
        {
            await UploadFolderAsync(directory, manifest.Version, cancellationToken).ConfigureAwait(false);
        }

        if (promote)
        {
            await PromoteAsync(manifest.Version, cancellationToken).ConfigureAwait(false);
        }

        return manifest;
    }

    /// <summary>The ONNX SHA-256 named by a published version's manifest, or null when the version has no manifest.</summary>
    private async Task<string?> PublishedSha256Async(string version, CancellationToken cancellationToken)
    {
        try
        {
            var content = await Container.GetBlobClient($"{Prefix}{version}/{ModelManifest.FileName}")
                .DownloadContentAsync(cancellationToken).ConfigureAwait(false);
            using var json = JsonDocument.Parse(content.Value.Content.ToMemory());
            return json.RootElement.TryGetProperty("onnx", out var onnx) && onnx.ValueKind == JsonValueKind.Object
                   && onnx.TryGetProperty("sha256", out var sha) && sha.ValueKind == JsonValueKind.String
                ? sha.GetString() ?? string.Empty
                : string.Empty; // a manifest without a hash cannot be shown to be the same model
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
        catch (JsonException)
        {
            return string.Empty;
        }
    }

    private async Task UploadFolderAsync(string directory, string version, CancellationToken cancellationToken)
    {
        var files = Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories)
            .Where(f => !string.Equals(Path.GetFileName(f), ModelManifest.FileName, StringComparison.Ordinal))
            .Append(Path.Combine(directory, ModelManifest.FileName)); // the manifest last: a version is complete once its manifest exists
        foreach (var file in files)
        {
            var relative = Path.GetRelativePath(directory, file).Replace('\\', '/');
            await Container.GetBlobClient($"{Prefix}{version}/{relative}")
                .UploadAsync(file, overwrite: true, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Points serving at a published version; refuses a version that is not there.</summary>
    public async Task PromoteAsync(string version, CancellationToken cancellationToken = default)
    {
        if (!ModelStoreName.IsValid(version))
        {
            throw new FerException($"'{version}' is not a model version name ({ModelStoreName.Rule}).");
        }

        var manifest = Container.GetBlobClient($"{Prefix}{version}/{ModelManifest.FileName}");
        if (!await manifest.ExistsAsync(cancellationToken).ConfigureAwait(false))
        {
            throw new FerException($"Model version '{version}' is not published in container '{Container.Name}' (no {Prefix}{version}/{ModelManifest.FileName}). Publish it first.");
        }

        await Container.GetBlobClient(PointerBlob)
            .UploadAsync(BinaryData.FromObjectAsJson(new ModelPointer(version), FerJson.Files), overwrite: true, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The current pointer, or null when nothing is promoted.</summary>
    public async Task<ModelPointer?> GetPointerAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            var content = await Container.GetBlobClient(PointerBlob).DownloadContentAsync(cancellationToken).ConfigureAwait(false);
            var pointer = content.Value.Content.ToObjectFromJson<ModelPointer>(FerJson.Files);
            return ModelStoreName.IsValid(pointer?.Version)
                ? pointer
                : throw new InvalidDataException($"'{PointerBlob}' in container '{Container.Name}' names version '{pointer?.Version}', which is not a version name ({ModelStoreName.Rule}).");
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"'{PointerBlob}' in container '{Container.Name}' is not {{\"version\": \"...\"}}: {e.Message}", e);
        }
    }

    /// <summary>Published versions (newest name first).</summary>
    public async Task<IReadOnlyList<string>> ListAsync(CancellationToken cancellationToken = default)
    {
        var versions = new List<string>();
        await foreach (var item in Container.GetBlobsByHierarchyAsync(BlobTraits.None, BlobStates.None, "/", Prefix, cancellationToken).ConfigureAwait(false))
        {
            if (item.IsPrefix)
            {
                versions.Add(item.Prefix[Prefix.Length..].TrimEnd('/'));
            }
        }

        return versions.OrderByDescending(v => v, StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// Downloads a version folder into <paramref name="cacheDirectory"/>/&lt;version&gt; (the manifest and the one ONNX file that
    /// <paramref name="precision"/> chooses, so a cold start fetches no other); returns the folder.
    /// The manifest must name the same version and plain file names: both become local paths.
    /// </summary>
    public async Task<string> DownloadAsync(string version, string cacheDirectory, string precision = ModelPrecision.Default, CancellationToken cancellationToken = default)
    {
        if (!ModelStoreName.IsValid(version))
        {
            throw new InvalidDataException($"'{version}' is not a model version name ({ModelStoreName.Rule}).");
        }

        var target = Path.Combine(cacheDirectory, version);
        var partial = target + ".partial-" + Guid.NewGuid().ToString("N")[..8];
        Directory.CreateDirectory(partial);
        try
        {
            var manifestBlob = Container.GetBlobClient($"{Prefix}{version}/{ModelManifest.FileName}");
            await manifestBlob.DownloadToAsync(Path.Combine(partial, ModelManifest.FileName), cancellationToken).ConfigureAwait(false);
            var manifest = ModelManifest.Load(Path.Combine(partial, ModelManifest.FileName));
            if (manifest.Version != version)
            {
                throw new InvalidModelManifestException($"{Container.Name}/{Prefix}{version}/{ModelManifest.FileName}", [$"version is '{manifest.Version}' but it is published as '{version}'"]);
            }

            var onnx = manifest.Onnx.Choose(precision).File;
            await Container.GetBlobClient($"{Prefix}{version}/{onnx}")
                .DownloadToAsync(Path.Combine(partial, onnx), cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            Directory.Delete(partial, recursive: true); // a refused or interrupted download leaves nothing behind
            throw;
        }

        if (Directory.Exists(target))
        {
            Directory.Delete(target, recursive: true);
        }

        Directory.Move(partial, target);
        return target;
    }
}
