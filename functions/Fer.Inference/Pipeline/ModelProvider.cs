using Azure;
using Fer.Inference.Classification;
using Fer.Inference.FaceDetection;
using Fer.Inference.Models;
using Fer.Inference.Preprocessing;
using Fer.Inference.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Fer.Inference.Pipeline;

/// <summary>
/// The one model of this instance, shared by every invocation. It follows fer/current.json: a new
/// pointer is picked up within <see cref="FerOptions.ModelRefreshInterval"/> without a restart; a new
/// version that fails its checks is refused and the model already loaded keeps serving. Models are reference-counted:
/// the provider holds one reference to the current model and each <see cref="ModelLease"/> another; a swap drops the
/// provider's, and the model is disposed when its last reference ends (never while work still uses it).
/// </summary>
public sealed class ModelProvider : IDisposable
{
    // What a caller is told when no model can be served: a fixed sentence per kind of problem (503 answers and rows
    // show it); the exception behind it goes to the log.
    private const string NonePromoted = "No model is promoted. Publish and promote one with 'fer model publish DIR --promote'.";
    private const string Refused = "The promoted model failed its checks and no earlier model is loaded; the log says why.";
    private const string Unreachable = "The model store could not be read; the log says why. Try again shortly.";

    private readonly ModelStore store;
    private readonly FerOptions options;
    private readonly ILogger<ModelProvider> logger;
    private readonly TimeProvider time;
    private readonly SemaphoreSlim gate = new(1, 1);
    private readonly Lazy<FaceDetector> detector;
    private readonly Lazy<FaceLandmarker?> landmarker;
    private SharedModel? current;
    private DateTimeOffset? lastCheck;
    private DateTimeOffset? lastCheckEnded;
    private string? lastError;
    private string unavailable = NonePromoted;
    private string? rejectedVersion;

    public ModelProvider(ModelStore store, IOptions<FerOptions> options, ILogger<ModelProvider> logger, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        this.store = store;
        this.options = options.Value;
        _ = OnnxLogitsSession.ParseGraphOptimization(this.options.GraphOptimization); // a wrong setting fails at start, not at the first blob
        _ = ModelPrecision.Parse(this.options.ModelPrecision, "The setting Fer:ModelPrecision");
        _ = ModelPrecision.Parse(this.options.FaceDetectorPrecision, "The setting Fer:FaceDetectorPrecision");
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
            throw new FerException($"The setting Fer:FaceFinding is '{faceFinding}'; it must be one of {string.Join(", ", FaceFinding.All)}, or unset to follow the model's manifest.");
        }

        if (this.options.MinFaceSide is < 1)
        {
            throw new FerException($"The setting Fer:MinFaceSide must be a face size of at least 1 px, or unset; it is {this.options.MinFaceSide}.");
        }

        // One detector for every model version: loaded at the first model that needs it, kept across swaps.
        detector = new Lazy<FaceDetector>(() => FaceDetector.Load(this.options.FaceDetectorDirectory ?? FerOptions.DefaultFaceDetectorDirectory, this.options.IntraOpThreads, this.options.ExecutionProvider, message => Log.ExecutionProviderFallback(logger, message), this.options.FaceDetectorPrecision));
        landmarker = new Lazy<FaceLandmarker?>(() => FaceLandmarker.LoadIfPresent(this.options.FaceLandmarksDirectory ?? FerOptions.DefaultFaceLandmarksDirectory, message => Log.FaceAlignmentWarning(logger, message), this.options.IntraOpThreads, this.options.ExecutionProvider));
    }

    public ModelHealth Health
    {
        get
        {
            var model = current?.Model;
            return new(model?.Version, model?.ExecutionProvider, lastCheckEnded, lastError, model?.FaceFindingMode);
        }
    }

    /// <summary>The settings' limits, with this instance's one decode budget: every model version decodes within it.</summary>
    public ImageLimits Limits { get; }

    /// <summary>
    /// A lease on the model to classify with, held until the caller disposes it; checks the pointer when the refresh
    /// interval has passed. Hold it exactly as long as the work that uses the model.
    /// </summary>
    public async Task<ModelLease> AcquireAsync(CancellationToken cancellationToken = default)
    {
        if (current is null || lastCheck is null || time.GetUtcNow() - lastCheck >= options.ModelRefreshInterval)
        {
            await RefreshAsync(cancellationToken).ConfigureAwait(false);
        }

        // A swap between reading current and taking the reference may have released the last reference: read again.
        while (Volatile.Read(ref current) is { } shared)
        {
            if (shared.TryAcquire())
            {
                return new ModelLease(shared);
            }
        }

        // A fixed sentence per kind of problem: it reaches 503 answers and rows; the details went to the log.
        throw new ModelUnavailableException(unavailable);
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
                unavailable = NonePromoted;
                return;
            }

            if (pointer.Version == current?.Model.Version || pointer.Version == rejectedVersion)
            {
                return;
            }

            var cache = options.ModelCacheDirectory ?? Path.Combine(Path.GetTempPath(), "fer-models");
            var directory = await store.DownloadAsync(pointer.Version, cache, options.ModelPrecision, cancellationToken).ConfigureAwait(false);
            var loaded = EmotionClassifier.Open(directory, Limits, options.ExecutionProvider, options.IntraOpThreads, message => Log.ExecutionProviderFallback(logger, message), options.GraphOptimization, FaceLocatorFor, options.ModelPrecision);
            var previous = Interlocked.Exchange(ref current, new SharedModel(loaded, logger));
            (lastError, rejectedVersion) = (null, null);
            Log.ModelLoaded(logger, loaded.Version, loaded.ExecutionProvider, previous?.Model.Version ?? "none");
            previous?.Release(); // the provider's reference: disposed now, or when the last lease on it ends
        }
        catch (Exception e) when (e is InvalidModelException or InvalidModelManifestException or InvalidDataException)
        {
            lastError = e.Message;
            unavailable = Refused;
            if (e is InvalidModelException or InvalidModelManifestException)
            {
                rejectedVersion = await PointedVersionOrNullAsync(cancellationToken).ConfigureAwait(false);
            }

            Log.ModelRefreshFailed(logger, e, current is not { } serving ? "no model is being served" : $"still serving {serving.Model.Version}");
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Storage unreachable or refusing (a RequestFailedException, or the transport's own exceptions once the
            // client's retries are spent): the model already loaded keeps serving, and the next refresh tries again.
            lastError = e.Message;
            unavailable = Unreachable;
            Log.ModelRefreshFailed(logger, e, current is not { } serving ? "no model is being served" : $"still serving {serving.Model.Version}");
        }
        finally
        {
            lastCheckEnded = time.GetUtcNow();
            gate.Release();
        }
    }

    private async Task<string?> PointedVersionOrNullAsync(CancellationToken cancellationToken)
    {
        try
        {
            return (await store.GetPointerAsync(cancellationToken).ConfigureAwait(false))?.Version;
        }
        catch (Exception e) when (e is RequestFailedException or InvalidDataException)
        {
            return null;
        }
    }

    /// <summary>How this model's faces are found: the setting, else its manifest; the detector only when that needs one.</summary>
    private FaceLocator FaceLocatorFor(ModelManifest manifest)
    {
        var mode = FaceFinding.Resolve(options.FaceFinding, manifest);
        return mode == FaceFinding.WholeImage
            ? new FaceLocator(mode, null, Limits)
            : new FaceLocator(mode, detector.Value, Limits, landmarker.Value, options.MinFaceSide);
    }

    /// <summary>Drops the provider's reference to the current model (disposed once no lease holds it) and the face detector.</summary>
    public void Dispose()
    {
        Interlocked.Exchange(ref current, null)?.Release();
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

    /// <summary>A loaded model and its references: the provider's while it is current, and one per open lease.</summary>
    internal sealed class SharedModel(EmotionClassifier model, ILogger logger)
    {
        private int references = 1; // the provider's own

        public EmotionClassifier Model { get; } = model;

        /// <summary>Takes a reference unless the last one has already ended (the model is disposed or about to be).</summary>
        public bool TryAcquire()
        {
            var seen = Volatile.Read(ref references);
            while (seen > 0)
            {
                var before = Interlocked.CompareExchange(ref references, seen + 1, seen);
                if (before == seen)
                {
                    return true;
                }

                seen = before;
            }

            return false;
        }

        public void Release()
        {
            if (Interlocked.Decrement(ref references) == 0)
            {
                Model.Dispose();
                Log.ModelRetired(logger, Model.Version);
            }
        }
    }
}
