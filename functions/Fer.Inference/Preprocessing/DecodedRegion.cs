namespace Fer.Inference.Preprocessing;

/// <summary>
/// Pixels decoded for a region of a larger decode: <see cref="Pixels"/> hold that decode's pixels from
/// (<see cref="Left"/>, <see cref="Top"/>) on, the region asked and possibly more around it; the whole decode when the
/// format cannot decode a region alone. The corner keeps the parity of the corner asked for (or is 0).
/// </summary>
public sealed record DecodedRegion(RgbImage Pixels, int Left, int Top);
