using Fer.Inference.Models;
using Fer.Inference.Preprocessing;

namespace Fer.Inference.FaceDetection;

/// <summary>
/// Finds the faces of an encoded image as <see cref="FaceFinding"/> says: the detector looks at a copy decoded at
/// reduced size (cheap for JPEG), and each face is cut from a decode just large enough for the model's input. With a
/// landmarker, each detected face is turned so its eyes are horizontal (landmarks found on the same reduced copy, all
/// faces in one call); without one, faces are the detector's upright boxes.
/// </summary>
public class FaceLocator
{
    /// <summary>
    /// The longer side of the copy the detector sees. The detector resizes to 512 px anyway; 1024 is what
    /// face-api was given in the reference runs (tools/face-reference), so boxes match theirs.
    /// </summary>
    public const int DetectionLongSide = 1024;

    private readonly FaceDetector? detector;
    private readonly ImageLimits limits;
    private readonly FaceLandmarker? landmarker;
    private readonly int? minFaceSide;

    /// <param name="minFaceSide">
    /// The smallest face that matters, its box's longer side in the photo's pixels: the detector's tiles are sized so
    /// that such faces are found (<see cref="TilePlan.For"/>). Unset: wide or large photos are tiled by a third of their
    /// longer side, others not at all.
    /// </param>
    public FaceLocator(string faceFinding, FaceDetector? detector, ImageLimits? limits = null, FaceLandmarker? landmarker = null, int? minFaceSide = null)
    {
        if (minFaceSide is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(minFaceSide), minFaceSide, "The smallest face must be at least 1 px.");
        }

        if (!FaceFinding.IsKnown(faceFinding))
        {
            throw new ArgumentException($"'{faceFinding}' is not one of {string.Join(", ", FaceFinding.All)}.", nameof(faceFinding));
        }

        if (detector is null && faceFinding != FaceFinding.WholeImage)
        {
            throw new ArgumentException($"Face finding '{faceFinding}' needs a face detector.", nameof(detector));
        }

        Mode = faceFinding;
        this.detector = detector;
        this.limits = limits ?? ImageLimits.Default;
        this.landmarker = landmarker;
        this.minFaceSide = minFaceSide;
    }

    public string Mode { get; }

    /// <summary>
    /// The faces of <paramref name="encoded"/>; bad files throw <see cref="ImageRejectedException"/>, no face is an empty list.
    /// Crops are cut from the image decoded at the smallest size the codec produces directly that keeps the smallest
    /// face's crop at least <paramref name="cropSize"/> pixels wide (the model's input size): it is shrunk to that
    /// size anyway, so a larger decode would cost time and change nothing that matters.
    /// </summary>
    public LocatedFaces Locate(ReadOnlySpan<byte> encoded, int cropSize, FaceCropGeometry? crop = null) => Locate(encoded, cropSize, faces => faces, crop);

    /// <summary>
    /// As <see cref="Locate(ReadOnlySpan{byte}, int)"/>, handing the faces to <paramref name="use"/> while the memory of
    /// the decode they were cut from is still reserved in the limits' <see cref="DecodeBudget"/>: turn the crops into
    /// what outlives them there. Detection and cropping reserve one after the other, never both at once, so that
    /// images waiting for room never hold any.
    /// </summary>
    public virtual T Locate<T>(ReadOnlySpan<byte> encoded, int cropSize, Func<LocatedFaces, T> use, FaceCropGeometry? crop = null)
    {
        ArgumentNullException.ThrowIfNull(use);
        crop ??= FaceCropGeometry.Default;
        using var image = EncodedImage.Open(encoded, limits);
        var (width, height) = (image.Width, image.Height);
        if (Mode == FaceFinding.WholeImage)
        {
            using var wholeReserved = limits.Budget.Reserve(image.EstimateBytes(int.MaxValue) + ((long)width * height * ImagePreprocessor.ResizeBytesPerPixel));
            var whole = image.Decode(int.MaxValue);
            return use(new LocatedFaces(width, height, [WholeImageFace(whole)]));
        }

        RgbImage reduced;
        IReadOnlyList<DetectedFace> detected;
        IReadOnlyList<IReadOnlyList<LandmarkPoint>> landmarks;
        double scaleX, scaleY;
        using (limits.Budget.Reserve(image.EstimateBytes(DetectionLongSide)))
        {
            reduced = image.Decode(DetectionLongSide);
            (scaleX, scaleY) = ((double)width / reduced.Width, (double)height / reduced.Height);
            detected = Detect(reduced, width, height);
            landmarks = Landmarks(reduced, detected);
        }

        var angles = landmarks.Select(points => EyeLine.Degrees(points, scaleX, scaleY)).ToArray();

        if (detected.Count == 0)
        {
            // A face-crop-sized image is no larger than 160 px: nothing worth reserving.
            var looksLikeACrop = Mode == FaceFinding.Auto && Math.Max(width, height) <= FaceFinding.AutoWholeImageMaxSide;
            return use(new LocatedFaces(width, height, looksLikeACrop ? [WholeImageFace(reduced)] : []));
        }

        var boxes = detected.Select(face => ToBox(face, scaleX, scaleY, width, height)).ToList();

        // Each face's square before its margin, and the geometry that cuts it: placed by the landmarks where the
        // manifest asks for it and they were found, else by the box.
        var placed = boxes.Select((box, i) => crop.Landmarks?.Square(landmarks[i], scaleX, scaleY) is { } square
            ? (Box: square, Crop: FaceCropGeometry.Exact)
            : (Box: box, Crop: crop)).ToList();
        var smallestCrop = placed.Min(face => face.Crop.Side(Math.Max(face.Box.Width, face.Box.Height)));
        var neededLongSide = (int)Math.Ceiling(Math.Max(width, height) * Math.Min(1.0, cropSize / smallestCrop));
        var decodesAgain = Math.Max(reduced.Width, reduced.Height) < neededLongSide;
        var (plannedWidth, plannedHeight) = decodesAgain ? image.DecodedSize(neededLongSide) : (reduced.Width, reduced.Height);
        var (cropScaleX, cropScaleY) = ((double)plannedWidth / width, (double)plannedHeight / height);
        var planned = placed.ConvertAll(face => Scale(face.Box, cropScaleX, cropScaleY));

        // A second decode holds only the faces' region: a group's faces stand in a band of the photo.
        var region = EvenCorner(planned.Select((box, i) => FaceCrop.SampledRegion(box, angles[i] ?? 0, placed[i].Crop)).Aggregate((a, b) => a.Union(b)));
        using var cropsReserved = limits.Budget.Reserve(reduced.Pixels.Length
            + (decodesAgain ? image.EstimateRegionBytes(neededLongSide, region) : 0)
            + CropBytes(planned.Select((box, i) => (box, placed[i].Crop))));
        var source = decodesAgain ? image.DecodeRegion(neededLongSide, region) : new DecodedRegion(reduced, 0, 0);
        return use(new LocatedFaces(width, height, [.. boxes.Select((box, i) =>
            new LocatedFace(FaceCrop.Square(source.Pixels, Shift(planned[i], -source.Left, -source.Top), angles[i] ?? 0, placed[i].Crop), box, detected[i].Score, FaceSources.Detected, angles[i]))],
            Truncated: detected.Count >= detector!.Manifest.Decoding.MaxResults));
    }

    /// <summary>
    /// The faces in <paramref name="reduced"/>, a copy of an image of <paramref name="width"/> x <paramref name="height"/>:
    /// the detector's whole-image pass, and for wide or large images also its passes over tiles of the same copy
    /// (<see cref="TiledFaceDetection"/>), merged.
    /// </summary>
    public IReadOnlyList<DetectedFace> Detect(RgbImage reduced, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(reduced);
        if (detector is null)
        {
            throw new InvalidOperationException("A whole-image locator has no face detector.");
        }

        var whole = detector.Detect(reduced);
        var plan = TilePlan.For(reduced.Width, reduced.Height, width, height, minFaceSide);
        if (plan.Tiles.Count == 0)
        {
            return whole;
        }

        // Faces small enough for the tiles to see whole are taken from them only: the whole-image pass sees such
        // faces a few pixels tall and places them badly (shifted by up to a face height), so it would add duplicates.
        var tiled = TiledFaceDetection.Detect(detector, reduced, plan);
        var large = whole.Where(face => Math.Max(face.Width, face.Height) > plan.Overlap);
        var decoding = detector.Manifest.Decoding;
        return DetectedFaceMerge.Merge([.. large, .. tiled], decoding.MaxResults, decoding.IouThreshold);
    }

    /// <summary>Each face's 68 landmarks in the reduced copy; none for every face without a landmarker.</summary>
    private IReadOnlyList<IReadOnlyList<LandmarkPoint>> Landmarks(RgbImage reduced, IReadOnlyList<DetectedFace> detected) =>
        landmarker is null || detected.Count == 0
            ? [.. detected.Select(_ => (IReadOnlyList<LandmarkPoint>)[])]
            : landmarker.LocateAll(reduced, detected);

    /// <summary>The square crops of these boxes (margin included), and the resizing of the largest, which the preprocessing does next.</summary>
    private static long CropBytes(IEnumerable<(FaceBox Box, FaceCropGeometry Crop)> faces)
    {
        var areas = faces.Select(face => Math.Pow(face.Crop.Side(Math.Max(face.Box.Width, face.Box.Height)), 2)).ToList();
        return (long)((areas.Sum() * 3) + (areas.Max() * ImagePreprocessor.ResizeBytesPerPixel));
    }

    /// <summary>
    /// The region with its left and top moved out to even pixels: a crop's corner is rounded half to even, so shifting
    /// a box by an even offset gives the same crop from the region as from the whole decode.
    /// </summary>
    private static PixelRegion EvenCorner(PixelRegion region) =>
        region with { Left = region.Left - (region.Left & 1), Top = region.Top - (region.Top & 1) };

    private static FaceBox Shift(FaceBox box, int dx, int dy) => box with { X = box.X + dx, Y = box.Y + dy };

    /// <summary>A box in full-image pixels mapped onto a reduced decode of the same image.</summary>
    private static FaceBox Scale(FaceBox box, double scaleX, double scaleY) =>
        scaleX == 1 && scaleY == 1 ? box : new FaceBox(
            (int)Math.Round(box.X * scaleX), (int)Math.Round(box.Y * scaleY),
            Math.Max(1, (int)Math.Round(box.Width * scaleX)), Math.Max(1, (int)Math.Round(box.Height * scaleY)));

    private static LocatedFace WholeImageFace(RgbImage image) =>
        new(image, new FaceBox(0, 0, image.Width, image.Height), null, FaceSources.WholeImage);

    /// <summary>The detector's box in the reduced copy, scaled to the full image, rounded outwards and kept inside it.</summary>
    private static FaceBox ToBox(DetectedFace face, double scaleX, double scaleY, int width, int height)
    {
        var left = Math.Clamp((int)Math.Floor(face.X * scaleX), 0, width - 1);
        var top = Math.Clamp((int)Math.Floor(face.Y * scaleY), 0, height - 1);
        var right = Math.Clamp((int)Math.Ceiling((face.X + face.Width) * scaleX), left + 1, width);
        var bottom = Math.Clamp((int)Math.Ceiling((face.Y + face.Height) * scaleY), top + 1, height);
        return new FaceBox(left, top, right - left, bottom - top);
    }
}
