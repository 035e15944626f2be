using Azure;
using Fer.Inference.Classification;
using Fer.Inference.FaceDetection;
using Fer.Inference.Models;
using Fer.Inference.Preprocessing;
using Fer.Inference.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Fer.Inference.Pipeline;

/// <summary>There is no model that may be served (none promoted, or the promoted one failed its checks).</summary>
public sealed class ModelUnavailableException(string message) : Exception(message)
{
    public ModelUnavailableException()
        : this("No model is available.")
    {
    }

    public ModelUnavailableException(string message, Exception innerException)
        : this(message) => _ = innerException;
}

/// <summary>What health reports about the model.</summary>
public sealed record ModelHealth(string? Version, string? ExecutionProvider, DateTimeOffset? LastCheck, string? LastError, string? FaceFinding = null);

/// <summary>
/// The one model of this instance, shared by every invocation. It follows fer/current.json: a new
/// pointer is picked up within <see cref="FerOptions.ModelRefreshInterval"/> without a restart; a new
/// version that fails its checks is refused and the model already loaded keeps serving.
/// </summary>
public sealed class ModelProvider : IDisposable
{
    private readonly ModelStore store;
    private readonly FerOptions options;
    private readonly ILogger<ModelProvider> logger;
    private readonly TimeProvider time;
    private readonly SemaphoreSlim gate = new(1, 1);
    private readonly Lazy<FaceDetector> detector;
    private readonly Lazy<FaceLandmarker?> landmarker;
    private EmotionClassifier? current;
    private DateTimeOffset? lastCheck;
    private string? lastError;
    private string? rejectedVersion;

    public ModelProvider(ModelStore store, IOptions<FerOptions> options, ILogger<ModelProvider> logger, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        this.store = store;
        this.options = options.Value;
        _ = OnnxLogitsSession.ParseGraphOptimization(this.options.GraphOptimization); // a wrong setting fails at start, not at the first blob
        this.logger = logger;
        this.time = time ?? TimeProvider.System;
        Limits = new ImageLimits
        {
            MaxEncodedBytes = this.options.MaxImageBytes,
            MaxPixels = this.options.MaxImagePixels,
            Budget = new DecodeBudget(this.options.MaxDecodedBytesInFlight),
        };
        if (this.options.FaceFinding is { Length: > 0 } faceFinding && !FaceFinding.IsKnown(faceFinding))
        {
            throw new ArgumentException($"The setting Fer:FaceFinding is '{faceFinding}'; it must be one of {string.Join(", ", FaceFinding.All)}, or unset to follow the model's manifest.", nameof(options));
        }

        // One detector for every model version: loaded at the first model that needs it, kept across swaps.
        detector = new Lazy<FaceDetector>(() => FaceDetector.Load(this.options.FaceDetectorDirectory ?? FerOptions.DefaultFaceDetectorDirectory, this.options.IntraOpThreads, this.options.ExecutionProvider, message => Log.ExecutionProviderFallback(logger, message)));
        landmarker = new Lazy<FaceLandmarker?>(() => FaceLandmarker.LoadIfPresent(this.options.FaceLandmarksDirectory ?? FerOptions.DefaultFaceLandmarksDirectory, message => Log.FaceAlignmentWarning(logger, message), this.options.IntraOpThreads, this.options.ExecutionProvider));
    }

    public ModelHealth Health => new(current?.Version, current?.ExecutionProvider, lastCheck, lastError, current?.FaceFindingMode);

    /// <summary>The settings' limits, with this instance's one decode budget: every model version decodes within it.</summary>
    public ImageLimits Limits { get; }

    /// <summary>The model to classify with; checks the pointer when the refresh interval has passed.</summary>
    public async Task<EmotionClassifier> GetAsync(CancellationToken cancellationToken = default)
    {
        var model = current;
        if (model is null || lastCheck is null || time.GetUtcNow() - lastCheck >= options.ModelRefreshInterval)
        {
            await RefreshAsync(cancellationToken).ConfigureAwait(false);
            model = current;
        }

        return model ?? throw new ModelUnavailableException($"No model can be served: {lastError ?? "none is promoted"}. Publish and promote one with 'fer model publish DIR --promote'.");
    }

    /// <summary>Reads the pointer and loads a new version if it changed; never drops a working model for a broken one.</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken = default)
    {
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            lastCheck = time.GetUtcNow();
            var pointer = await store.GetPointerAsync(cancellationToken).ConfigureAwait(false);
            if (pointer is null)
            {
                lastError = $"no model is promoted ({ModelStore.PointerBlob} does not exist in container '{store.Container.Name}')";
                return;
            }

            if (pointer.Version == current?.Version || pointer.Version == rejectedVersion)
            {
                return;
            }

            var cache = options.ModelCacheDirectory ?? Path.Combine(Path.GetTempPath(), "fer-models");
            var directory = await store.DownloadAsync(pointer.Version, cache, cancellationToken).ConfigureAwait(false);
            var loaded = EmotionClassifier.Open(directory, Limits, options.ExecutionProvider, options.IntraOpThreads, message => Log.ExecutionProviderFallback(logger, message), options.GraphOptimization, FaceLocatorFor);
            var previous = Interlocked.Exchange(ref current, loaded);
            (lastError, rejectedVersion) = (null, null);
            Log.ModelLoaded(logger, loaded.Version, loaded.ExecutionProvider, previous?.Version ?? "none");
            RetireLater(previous);
        }
        catch (Exception e) when (e is InvalidModelException or InvalidModelManifestException or InvalidDataException or RequestFailedException)
        {
            lastError = e.Message;
            if (e is InvalidModelException or InvalidModelManifestException)
            {
                rejectedVersion = (await store.GetPointerAsync(cancellationToken).ConfigureAwait(false))?.Version;
            }

            Log.ModelRefreshFailed(logger, e, current is null ? "no model is being served" : $"still serving {current.Version}");
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>How this model's faces are found: the setting, else its manifest; the detector only when that needs one.</summary>
    private FaceLocator FaceLocatorFor(ModelManifest manifest)
    {
        var mode = FaceFinding.Resolve(options.FaceFinding, manifest);
        return mode == FaceFinding.WholeImage
            ? new FaceLocator(mode, null, Limits)
            : new FaceLocator(mode, detector.Value, Limits, landmarker.Value);
    }

    public void Dispose()
    {
        current?.Dispose();
        if (detector.IsValueCreated)
        {
            detector.Value.Dispose();
        }

        if (landmarker.IsValueCreated)
        {
            landmarker.Value?.Dispose();
        }

        gate.Dispose();
    }

    /// <summary>Invocations may still be running on the old model: dispose it a little later, not now.</summary>
    private static void RetireLater(EmotionClassifier? previous)
    {
        if (previous is not null)
        {
            _ = Task.Delay(TimeSpan.FromMinutes(2)).ContinueWith(_ => previous.Dispose(), TaskScheduler.Default);
        }
    }
}
