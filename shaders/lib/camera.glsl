// ShaderFlow's camera (the Camera struct, the iCamera uniforms and GetCamera, as in BrokenSource/ShaderFlow's
// camera.glsl and camera.py), written for shaderflow from that behaviour. Same entry format as
// shaderflow.glsl, which comes before this file.
//
// World: y up, z forward, x right (left-handed). The default camera stands at the origin looking along +z
// at the plane z = 1, where it sees the picture's gluv: iCamera.gluv = gluv.

// @provides CameraModeFreeCamera CameraMode2D CameraModeSpherical
// How ShaderFlow's window lets the mouse and keys move the camera; the projection ignores it.
const int CameraModeFreeCamera = 0;
const int CameraMode2D = 1;
const int CameraModeSpherical = 2;

// @provides CameraProjectionPerspective CameraProjectionStereoscopic CameraProjectionVirtualReality CameraProjectionEquirectangular
const int CameraProjectionPerspective = 0;
const int CameraProjectionStereoscopic = 1;     // side by side, left eye on the left half
const int CameraProjectionVirtualReality = 1;   // the older name
const int CameraProjectionEquirectangular = 2;  // 360 degrees: x is the azimuth, y the inclination

// @provides iCameraMode iCameraProjection iCameraPosition iCameraRight iCameraUpward iCameraForward iCameraZenith iCameraZoom iCameraIsometric iCameraFocalLength iCameraOrbital iCameraDolly iCameraSeparation
// ShaderFlow's camera module sets these every frame; here they are ordinary uniforms with ShaderFlow's
// defaults (its 2D camera at rest), set through the elements' `uniforms` property.
uniform int iCameraMode = 1;                       // CameraMode2D
uniform int iCameraProjection = 0;                 // CameraProjectionPerspective
uniform vec3 iCameraPosition = vec3(0.0, 0.0, 0.0);
uniform vec3 iCameraRight = vec3(1.0, 0.0, 0.0);   // the rotation, as the camera's own axes
uniform vec3 iCameraUpward = vec3(0.0, 1.0, 0.0);
uniform vec3 iCameraForward = vec3(0.0, 0.0, 1.0);
uniform vec3 iCameraZenith = vec3(0.0, 1.0, 0.0);  // "up" of the world for the spherical mode
uniform float iCameraZoom = 1.0;                   // half the height seen at distance 1: fov = 2 atan(zoom - isometric)
uniform float iCameraIsometric = 0.0;              // 0 perspective .. 1 parallel rays
uniform float iCameraFocalLength = 1.0;            // distance of the plane the rays aim at
uniform float iCameraOrbital = 0.0;                // moves origin and target back
uniform float iCameraDolly = 0.0;                  // moves only the origin back
uniform float iCameraSeparation = 0.05;            // stereoscopic: each eye this far from the centre

// @provides Camera
struct Camera {
    int mode;
    int projection;
    vec3 position;
    vec3 up, down, left, right, forward, backward, zenith;
    // The ray of this pixel, from origin through target (not normalised), for ray marching.
    vec3 origin;
    vec3 target;
    float orbital;
    float dolly;
    // Where the ray meets the plane through plane_point with normal plane_normal, in the screen's
    // coordinate systems (the picture on the plane z = 1 at rest).
    vec3 plane_point;
    vec3 plane_normal;
    vec2 gluv, agluv, stuv, astuv, glxy, stxy;
    bool out_of_bounds;  // the ray meets that plane behind the camera
    float separation;
    float focal_length;
    float isometric;
    float zoom;
};

// @provides CameraRectangle CameraRayOrigin CameraRayTarget
// A point of the screen rectangle (gl coordinates) spread over the camera's right and up axes.
vec3 CameraRectangle(Camera camera, vec2 screen, float size) {
    return size * (screen.x * camera.right + screen.y * camera.up);
}
// Perspective rays start at the position (spread by isometric, moved back by orbital and dolly) and aim
// at the rectangle spread by zoom at focal_length in front.
vec3 CameraRayOrigin(Camera camera, vec2 screen) {
    return camera.position + CameraRectangle(camera, screen, camera.zoom * camera.isometric) +
           camera.backward * (camera.orbital + camera.dolly);
}
vec3 CameraRayTarget(Camera camera, vec2 screen) {
    return camera.position + CameraRectangle(camera, screen, camera.zoom) + camera.backward * camera.orbital +
           camera.forward * camera.focal_length;
}

// @provides CameraRay2D
// @needs coordinates
Camera CameraRay2D(Camera camera) {
    vec3 ray = camera.target - camera.origin;
    float t = dot(camera.plane_point - camera.origin, camera.plane_normal) / dot(ray, camera.plane_normal);
    camera.out_of_bounds = t < 0.0 || abs(gluv.x) > iAspectRatio;
    camera.gluv = (camera.origin + t * ray).xy;
    camera.agluv = vec2(camera.gluv.x / iAspectRatio, camera.gluv.y);
    camera.stuv = (camera.gluv + 1.0) * 0.5;
    camera.astuv = (camera.agluv + 1.0) * 0.5;
    camera.stxy = camera.astuv * iResolution.xy;
    camera.glxy = camera.stxy - 0.5 * iResolution.xy;
    return camera;
}

// @provides CameraProject
// @needs coordinates
// This pixel's ray (origin, target) for the camera's projection, and where it meets the plane.
Camera CameraProject(Camera camera) {
    if (camera.projection == CameraProjectionStereoscopic) {
        // Each half of the screen is a whole picture for one eye, the eyes apart along the camera's right.
        float eye = agluv.x < 0.0 ? -1.0 : 1.0;
        vec2 screen = vec2(gluv.x - eye * 0.5 * iAspectRatio, gluv.y);
        camera.position += eye * camera.separation * camera.right;
        camera.origin = CameraRayOrigin(camera, screen);
        camera.target = CameraRayTarget(camera, screen);
    } else if (camera.projection == CameraProjectionEquirectangular) {
        // The picture's width spans the azimuth -pi..pi and its height the inclination -pi/2..pi/2
        // (divided by zoom): forward is tilted up by the inclination, then turned right by the azimuth.
        float inclination = camera.zoom * 0.5 * shaderflow_pi * agluv.y;
        float azimuth = camera.zoom * shaderflow_pi * agluv.x;
        vec3 direction = cos(inclination) * camera.forward + sin(inclination) * camera.up;
        direction = cos(azimuth) * direction + sin(azimuth) * cross(camera.up, direction) +
                    (1.0 - cos(azimuth)) * dot(camera.up, direction) * camera.up;
        camera.origin = camera.position;
        camera.target = camera.position + direction;
    } else {
        camera.origin = CameraRayOrigin(camera, gluv);
        camera.target = CameraRayTarget(camera, gluv);
    }
    return CameraRay2D(camera);
}

// @provides GetCamera
// GetCamera(iCamera); declares the Camera iCamera from the uniforms iCamera..., projected for this pixel.
// ShaderFlow pastes the name into the uniform names; scenes have the one camera module iCamera, so any
// name reads the iCamera uniforms here (without token pasting, which GLSL ES does not have).
Camera shaderflow_camera() {
    Camera camera;
    camera.mode = iCameraMode;
    camera.projection = iCameraProjection;
    camera.position = iCameraPosition;
    camera.right = iCameraRight;
    camera.left = -iCameraRight;
    camera.up = iCameraUpward;
    camera.down = -iCameraUpward;
    camera.forward = iCameraForward;
    camera.backward = -iCameraForward;
    camera.zenith = iCameraZenith;
    camera.zoom = iCameraZoom;
    camera.isometric = iCameraIsometric;
    camera.focal_length = iCameraFocalLength;
    camera.orbital = iCameraOrbital;
    camera.dolly = iCameraDolly;
    camera.separation = iCameraSeparation;
    camera.plane_point = vec3(0.0, 0.0, 1.0);
    camera.plane_normal = vec3(0.0, 0.0, 1.0);
    camera.out_of_bounds = false;
    return CameraProject(camera);
}
#define GetCamera(name) Camera name = shaderflow_camera()
