"""Image ops: TensorFlow 2's ``tf.image`` (public as ``ember.image``), and the resampling
kernels and samplers ``keras.ops.image`` is built on.

- ``resize``: the separable resampling kernels (bilinear, bicubic, area, Lanczos, Gaussian,
  Mitchell) and ``resize``, ``resize_with_pad``
- ``sampling``: interpolation at computed points, fill modes and patch indices
- ``geometry``: flips, transposes, rotations, ``extract_patches``
- ``crop``: crops and pads to boxes, ``central_crop``, ``crop_and_resize``,
  ``extract_glimpse``
- ``color``: colour spaces, dtype conversion and the ``adjust_*`` family
- ``quality``: gradients, Sobel edges, total variation, PSNR and (MS-)SSIM
- ``boxes``: non-maximum suppression and drawing boxes
- ``random_ops``: the ``random_*`` and ``stateless_random_*`` augmentations
- ``names``: the table behind the ``ember.image`` namespace
"""
