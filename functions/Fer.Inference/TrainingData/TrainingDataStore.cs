using System.Diagnostics;
using System.Security.Cryptography;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace Fer.Inference.TrainingData;

/// <summary>
/// Training data sets in the <c>training</c> container: <c>&lt;name&gt;/&lt;relative path&gt;</c> for each file, each
/// blob carrying its SHA-256 in metadata, and <c>&lt;name&gt;/manifest.json</c> written last. Uploads and downloads
/// both skip files whose hash already matches, so an interrupted transfer continues where it stopped.
/// </summary>
public sealed class TrainingDataStore(BlobContainerClient container)
{
    public const string ContainerName = "training";
    public const string HashMetadata = "sha256";
    private const int Parallelism = 8;

    private static readonly HashSet<string> ImageExtensions = new(StringComparer.OrdinalIgnoreCase) { ".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp" };

    public BlobContainerClient Container { get; } = container;

    /// <summary>
    /// Uploads every file under <paramref name="directory"/> as data set <paramref name="name"/>. An image's label is its
    /// folder's name (happy, 4, ha ...); an image outside a known class folder is refused before anything is uploaded.
    /// </summary>
    public async Task<TrainingDataManifest> UploadAsync(string directory, string name, Action<TransferProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        CheckName(name);
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"'{directory}' is not a folder: give the data set's root (e.g. fer2013 with train/<class>/ inside).");
        }

        var files = Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
            .Select(path => (Path: path, Relative: Path.GetRelativePath(directory, path).Replace('\\', '/'))).ToList();
        if (files.Count == 0)
        {
            throw new InvalidDataException($"'{directory}' holds no files.");
        }

        var labels = files.ToDictionary(f => f.Relative, f => LabelOf(f.Relative));
        await Container.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        var uploaded = await UploadedHashesAsync(name, cancellationToken).ConfigureAwait(false);

        var entries = new TrainingDataFile[files.Count];
        var pending = new List<int>();
        for (var i = 0; i < files.Count; i++)
        {
            var hash = await HashAsync(files[i].Path, cancellationToken).ConfigureAwait(false);
            entries[i] = new TrainingDataFile(files[i].Relative, labels[files[i].Relative], hash, new FileInfo(files[i].Path).Length);
            if (!uploaded.TryGetValue(files[i].Relative, out var existing) || existing != hash)
            {
                pending.Add(i);
            }
        }

        var tracker = new Tracker(files.Count, files.Count - pending.Count, pending.Sum(i => entries[i].Bytes), progress);
        await Parallel.ForEachAsync(pending, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken }, async (i, ct) =>
        {
            await Container.GetBlobClient($"{name}/{entries[i].Path}").UploadAsync(files[i].Path, new BlobUploadOptions
            {
                Metadata = new Dictionary<string, string> { [HashMetadata] = entries[i].Sha256 },
            }, ct).ConfigureAwait(false);
            tracker.Done(entries[i].Bytes);
        }).ConfigureAwait(false);

        var manifest = new TrainingDataManifest { Name = name, Files = entries };
        await Container.GetBlobClient($"{name}/{TrainingDataManifest.FileName}")
            .UploadAsync(BinaryData.FromString(manifest.ToJson()), overwrite: true, cancellationToken).ConfigureAwait(false);
        tracker.Finish();
        return manifest;
    }

    /// <summary>
    /// Downloads data set <paramref name="name"/> into <paramref name="cacheDirectory"/>/&lt;name&gt; and returns that folder.
    /// Files already there with the manifest's hash are kept, files it does not list are removed, and every downloaded
    /// file is checked against its hash before it is put in place.
    /// </summary>
    public async Task<string> DownloadAsync(string name, string cacheDirectory, Action<TransferProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        CheckName(name);
        var manifest = await GetManifestAsync(name, cancellationToken).ConfigureAwait(false);
        var root = Path.Combine(cacheDirectory, name);
        var pending = new List<TrainingDataFile>();
        foreach (var file in manifest.Files)
        {
            var local = Path.Combine(root, file.Path);
            if (!File.Exists(local) || new FileInfo(local).Length != file.Bytes || await HashAsync(local, cancellationToken).ConfigureAwait(false) != file.Sha256)
            {
                pending.Add(file);
            }
        }

        var tracker = new Tracker(manifest.Files.Count, manifest.Files.Count - pending.Count, pending.Sum(f => f.Bytes), progress);
        await Parallel.ForEachAsync(pending, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken }, async (file, ct) =>
        {
            var local = Path.Combine(root, file.Path);
            Directory.CreateDirectory(Path.GetDirectoryName(local)!);
            var partial = local + ".partial";
            await Container.GetBlobClient($"{name}/{file.Path}").DownloadToAsync(partial, ct).ConfigureAwait(false);
            var hash = await HashAsync(partial, ct).ConfigureAwait(false);
            if (hash != file.Sha256)
            {
                File.Delete(partial);
                throw new InvalidDataException(
                    $"{Container.Name}/{name}/{file.Path} has SHA-256 {hash}, but the data set's manifest says {file.Sha256}: the blob changed after the upload. Upload the data set again.");
            }

            File.Move(partial, local, overwrite: true); // a file is in place only once verified
            tracker.Done(file.Bytes);
        }).ConfigureAwait(false);
        RemoveUnlisted(root, manifest);
        tracker.Finish();
        return root;
    }

    /// <summary>The cache mirrors the manifest: files of an earlier upload under the same name must not be trained on.</summary>
    private static void RemoveUnlisted(string root, TrainingDataManifest manifest)
    {
        var listed = manifest.Files.Select(f => Path.GetFullPath(Path.Combine(root, f.Path))).ToHashSet(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).Where(f => !listed.Contains(Path.GetFullPath(f))).ToList())
        {
            File.Delete(file);
        }
    }

    public async Task<TrainingDataManifest> GetManifestAsync(string name, CancellationToken cancellationToken = default)
    {
        CheckName(name);
        var blob = Container.GetBlobClient($"{name}/{TrainingDataManifest.FileName}");
        try
        {
            var content = await blob.DownloadContentAsync(cancellationToken).ConfigureAwait(false);
            return TrainingDataManifest.Parse(content.Value.Content.ToString(), $"{Container.Name}/{blob.Name}");
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            throw new FerException(
                $"There is no data set '{name}' in container '{Container.Name}' (no {blob.Name}): upload it with 'fer data upload DIR --name {name}'. " +
                "An upload that was interrupted has no manifest yet: run it again to finish it.", e);
        }
    }

    private async Task<Dictionary<string, string>> UploadedHashesAsync(string name, CancellationToken cancellationToken)
    {
        var hashes = new Dictionary<string, string>(StringComparer.Ordinal);
        await foreach (var blob in Container.GetBlobsAsync(BlobTraits.Metadata, BlobStates.None, $"{name}/", cancellationToken).ConfigureAwait(false))
        {
            if (blob.Metadata.TryGetValue(HashMetadata, out var hash))
            {
                hashes[blob.Name[(name.Length + 1)..]] = hash;
            }
        }

        return hashes;
    }

    private static string? LabelOf(string relative)
    {
        if (!ImageExtensions.Contains(Path.GetExtension(relative)))
        {
            return null; // label lists, READMEs: uploaded as they are
        }

        var parts = relative.Split('/');
        var folder = parts.Length > 1 ? parts[^2] : string.Empty;
        return EmotionLabels.TryFromFolderName(folder, out var label)
            ? EmotionLabels.Canonical[label]
            : throw new InvalidDataException(
                $"'{relative}' is not in a class folder: {new UnknownLabelException(folder).Message} Nothing was uploaded.");
    }

    private static void CheckName(string name)
    {
        if (!TrainingDataPath.IsValidName(name))
        {
            throw new FerException($"'{name}' is not a data set name ({TrainingDataPath.NameRule}).");
        }
    }

    private static async Task<string> HashAsync(string path, CancellationToken cancellationToken)
    {
        await using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>Counts finished files from parallel transfers and reports at most a few times a second.</summary>
    private sealed class Tracker(int totalFiles, int skippedFiles, long totalBytes, Action<TransferProgress>? progress)
    {
        private readonly Stopwatch clock = Stopwatch.StartNew();
        private readonly Lock gate = new();
        private readonly int skipped = skippedFiles;
        private int files = skippedFiles;
        private long bytes;
        private TimeSpan lastReport = TimeSpan.FromSeconds(-1); // the first file reports at once

        public void Done(long fileBytes)
        {
            lock (gate)
            {
                files++;
                bytes += fileBytes;
                if (clock.Elapsed - lastReport >= TimeSpan.FromMilliseconds(500))
                {
                    lastReport = clock.Elapsed;
                    progress?.Invoke(Snapshot());
                }
            }
        }

        public void Finish()
        {
            lock (gate)
            {
                progress?.Invoke(Snapshot());
            }
        }

        private TransferProgress Snapshot() => new(files, totalFiles, skipped, bytes, totalBytes, clock.Elapsed);
    }
}
